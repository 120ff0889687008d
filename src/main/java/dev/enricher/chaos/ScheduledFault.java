package dev.enricher.chaos;

/**
 * One fault of a run's schedule.
 *
 * @param kind     what happens
 * @param atMillis when it starts, from the start of the fault phase
 * @param lastsMs  how long it lasts (down time of an instance or the broker, length of an API fault)
 * @param instance the instance it acts on, for {@link FaultKind#KILL} and {@link FaultKind#STOP}; otherwise -1
 */
public record ScheduledFault(FaultKind kind, long atMillis, long lastsMs, int instance) {
    /** When it ends, from the start of the fault phase. */
    public long endMillis() {
        return atMillis + lastsMs;
    }
}
