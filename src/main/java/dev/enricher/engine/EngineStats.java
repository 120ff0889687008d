package dev.enricher.engine;

import dev.enricher.avro.DeadLetterCategory;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Live counters and gauges of one engine (one per instance), read by metrics and tests from any thread.
 * Peaks are high-water marks since start.
 */
public final class EngineStats {
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger peakPendingPerTask = new AtomicInteger();
    private final AtomicInteger parked = new AtomicInteger();
    private final LongAdder admitted = new LongAdder();
    private final LongAdder enriched = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder resent = new LongAdder();
    private final LongAdder repairs = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder chunked = new LongAdder();
    private final LongAdder truncated = new LongAdder();
    private final LongAdder fallbacks = new LongAdder();
    private final LongAdder heldBack = new LongAdder();
    private final LongAdder callsSaved = new LongAdder();
    private final LongAdder staleCompletions = new LongAdder();
    private final LongAdder admissionWaitNanos = new LongAdder();
    private final AtomicLong circuitOpens = new AtomicLong();
    private final ConcurrentHashMap<String, TaskPending> byTask = new ConcurrentHashMap<>();
    private final AtomicLongArray byCategory = new AtomicLongArray(DeadLetterCategory.values().length);
    private volatile IntSupplier waitingForLimit = () -> 0;

    EngineStats() {
    }

    /** HTTP calls on the wire: sent by the engine and not yet answered. Never above the admission's limit. */
    public int inFlight() {
        return inFlight.get();
    }

    /**
     * Calls ready to be sent and waiting in the admission for a slot under the current limit (or a rate-limit token,
     * or the circuit to close). Calls waiting for a retry's backoff, and events parked on disk, are not counted.
     */
    public int waitingForLimit() {
        return waitingForLimit.getAsInt();
    }

    /** The most calls ever in flight at once. */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    /** Events held in memory between admission and output, all stream tasks together. */
    public int pending() {
        return pending.get();
    }

    /** The most events ever held in memory by one stream task. */
    public int peakPendingPerTask() {
        return peakPendingPerTask.get();
    }

    /** Events admitted to the store over the pending cap, waiting on disk for a slot. */
    public int parked() {
        return parked.get();
    }

    /** Records admitted to the engine (including restored ones again after a restart). */
    public long admitted() {
        return admitted.sum();
    }

    public long enriched() {
        return enriched.sum();
    }

    public long deadLettered() {
        return deadLettered.sum();
    }

    /** Dead letters of one category since start. */
    public long deadLettered(DeadLetterCategory category) {
        return byCategory.get(category.ordinal());
    }

    /** Dead letters by category since start (categories with none left out). */
    public Map<DeadLetterCategory, Long> deadLettersByCategory() {
        Map<DeadLetterCategory, Long> m = new EnumMap<>(DeadLetterCategory.class);
        for (DeadLetterCategory c : DeadLetterCategory.values()) {
            long n = byCategory.get(c.ordinal());
            if (n > 0) {
                m.put(c, n);
            }
        }
        return m;
    }

    /** Retries scheduled after TRANSIENT failures. */
    public long retries() {
        return retries.sum();
    }

    /** Calls re-sent after a restart or rebalance because the restored store still had them outstanding. */
    public long resent() {
        return resent.sum();
    }

    /** Calls put back unsent (or unanswered) because the circuit was open. */
    public long heldBack() {
        return heldBack.sum();
    }

    /** Answers dropped because the stream task that asked had closed since (rebalance, crash recovery). */
    public long staleCompletions() {
        return staleCompletions.sum();
    }

    /** Total time stream threads spent waiting for pending capacity, in milliseconds. */
    public long admissionWaitMillis() {
        return admissionWaitNanos.sum() / 1_000_000;
    }

    /** How often the circuit opened. */
    public long circuitOpens() {
        return circuitOpens.get();
    }

    /**
     * What one stream task holds, as of its last punctuation (every {@code drainInterval}).
     *
     * @param inMemory         events held in memory
     * @param parked           events waiting in the store for a slot
     * @param oldestAdmittedAt epoch ms the oldest in-memory event was admitted; 0 when none
     */
    public record TaskPending(int inMemory, int parked, long oldestAdmittedAt) {
    }

    /** Pending events per stream task (task id such as {@code 0_3}) owned by this instance now. */
    public Map<String, TaskPending> pendingByTask() {
        return Map.copyOf(byTask);
    }

    void taskPending(String task, TaskPending p) {
        byTask.put(task, p);
    }

    void taskClosed(String task) {
        byTask.remove(task);
    }

    /**
     * Calls not made because their answer was stored (a repeated text, a replay, a re-processing) or an identical call
     * was on the wire at the same time.
     */
    public long callsSaved() {
        return callsSaved.sum();
    }

    void callSaved() {
        callsSaved.increment();
    }

    void callStarted() {
        int n = inFlight.incrementAndGet();
        peakInFlight.accumulateAndGet(n, Math::max);
    }

    void callEnded() {
        inFlight.decrementAndGet();
    }

    void waitingForLimit(IntSupplier source) {
        this.waitingForLimit = source;
    }

    void pendingChanged(int delta, int taskPending) {
        pending.addAndGet(delta);
        peakPendingPerTask.accumulateAndGet(taskPending, Math::max);
    }

    void parkedChanged(int delta) {
        parked.addAndGet(delta);
    }

    void onAdmitted() {
        admitted.increment();
    }

    void enrichedOne() {
        enriched.increment();
    }

    void onDeadLettered(DeadLetterCategory category) {
        deadLettered.increment();
        byCategory.incrementAndGet(category.ordinal());
    }

    void retried() {
        retries.increment();
    }

    void skippedOne() {
        skipped.increment();
    }

    /** Tasks not run on an event because their condition was false for it. */
    public long skippedTasks() {
        return skipped.sum();
    }

    /** A task's input over its limit was planned: in pieces ({@code chunked}) or cut to its head. */
    void longInput(boolean inPieces) {
        (inPieces ? chunked : truncated).increment();
    }

    /** Task inputs over their model's limit sent in pieces. */
    public long chunkedInputs() {
        return chunked.sum();
    }

    /** Task inputs over their model's limit cut to their head. */
    public long truncatedInputs() {
        return truncated.sum();
    }

    void repairAsked() {
        repairs.increment();
    }

    void fellBack() {
        fallbacks.increment();
    }

    /** Answers refused by their task (content without the task's shape) and sent back to the model for repair. */
    public long repairs() {
        return repairs.sum();
    }

    /** Tasks whose model failed for good and that were tried on their fallback model. */
    public long fallbacks() {
        return fallbacks.sum();
    }

    void resentOne() {
        resent.increment();
    }

    void heldBackOne() {
        heldBack.increment();
    }

    void staleCompletion() {
        staleCompletions.increment();
    }

    void waited(long nanos) {
        admissionWaitNanos.add(nanos);
    }

    void circuitOpened() {
        circuitOpens.incrementAndGet();
    }
}
