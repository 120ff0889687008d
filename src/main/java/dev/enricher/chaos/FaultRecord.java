package dev.enricher.chaos;

/**
 * One fault as it happened: when it began and ended, the backlog it began with, and when the output caught up again
 * (the backlog back within one second of input of where it began), in nanoseconds of {@link System#nanoTime()}.
 * Written by the fault thread (start, end) and the monitor (recovery); read after both have stopped or under the
 * run's lock.
 */
final class FaultRecord {
    final ScheduledFault fault;
    final long backlogAtStart;
    final long startedNanos;
    volatile long endedNanos = -1;
    volatile long recoveredNanos = -1;
    volatile String failure;

    FaultRecord(ScheduledFault fault, long backlogAtStart, long startedNanos) {
        this.fault = fault;
        this.backlogAtStart = backlogAtStart;
        this.startedNanos = startedNanos;
    }

    boolean ended() {
        return endedNanos >= 0;
    }

    boolean recovered() {
        return recoveredNanos >= 0;
    }

    /** Seconds from the end of the fault to full throughput; NaN when the output had not caught up. */
    double recoverySeconds() {
        return recovered() ? Math.max(0, recoveredNanos - endedNanos) / 1e9 : Double.NaN;
    }
}
