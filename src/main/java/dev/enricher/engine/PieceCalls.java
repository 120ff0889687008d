package dev.enricher.engine;

/**
 * The calls of one chunked task of one event, one per piece of its long input, all sent at once (they share the
 * in-flight cap with every other call): which piece waits for an answer, how many attempts each made and when its
 * retry is due. In memory only: answered pieces are in the pending store, and after a restart the unanswered ones
 * are sent afresh. Mutable; stream thread only.
 */
final class PieceCalls {
    /** Timer slots: a piece's retry timer is {@code task + (piece + 1) * STRIDE}; a task's own is its index. */
    private static final int STRIDE = 1 << 16;
    private final boolean[] answered;
    private final boolean[] inFlight;
    private final int[] attempts;
    private final long[] firstAttemptAt;
    private final long[] lastAttemptAt;
    private final long[] latencyMs;
    /** Epoch ms a piece's retry is due; 0 when none waits. */
    private final long[] retryAt;

    PieceCalls(int pieces) {
        answered = new boolean[pieces];
        inFlight = new boolean[pieces];
        attempts = new int[pieces];
        firstAttemptAt = new long[pieces];
        lastAttemptAt = new long[pieces];
        latencyMs = new long[pieces];
        retryAt = new long[pieces];
    }

    /** The {@link RetryTimers} slot of piece {@code piece}'s retry of task {@code task}. */
    static int timerSlot(int task, int piece) {
        return task + (piece + 1) * STRIDE;
    }

    /** The task of a (non-negative) timer slot. */
    static int taskOf(int slot) {
        return slot % STRIDE;
    }

    /** The piece of a (non-negative) timer slot; -1 for a task's own timer. */
    static int pieceOf(int slot) {
        return slot / STRIDE - 1;
    }

    int size() {
        return answered.length;
    }

    /** Whether piece {@code k} may be sent now: not answered, not in flight, no retry waiting. */
    boolean sendable(int k) {
        return !answered[k] && !inFlight[k] && retryAt[k] == 0;
    }

    void sent(int k) {
        inFlight[k] = true;
        retryAt[k] = 0;
    }

    /** Whether piece {@code k} waits for the answer of a call that went out. */
    boolean inFlight(int k) {
        return inFlight[k];
    }

    /**
     * One attempt of piece {@code k} ended.
     *
     * @return the attempts piece {@code k} made so far
     */
    int attemptEnded(int k, long sentAt, long endedAt) {
        inFlight[k] = false;
        attempts[k]++;
        if (firstAttemptAt[k] == 0) {
            firstAttemptAt[k] = sentAt;
        }
        lastAttemptAt[k] = sentAt;
        latencyMs[k] = Math.max(0, endedAt - sentAt);
        return attempts[k];
    }

    /** Piece {@code k}'s call went out but is to be sent again (held back, not an attempt). */
    void notSent(int k) {
        inFlight[k] = false;
    }

    void markAnswered(int k) {
        answered[k] = true;
    }

    boolean answered(int k) {
        return answered[k];
    }

    boolean allAnswered() {
        for (boolean a : answered) {
            if (!a) {
                return false;
            }
        }
        return true;
    }

    void retryAt(int k, long due) {
        retryAt[k] = due;
    }

    /** Whether piece {@code k}'s retry due at {@code due} is still the one it waits for. */
    boolean retryDue(int k, long due) {
        return !answered[k] && retryAt[k] == due;
    }

    int attempts(int k) {
        return attempts[k];
    }

    long firstAttemptAt(int k) {
        return firstAttemptAt[k];
    }

    long lastAttemptAt(int k) {
        return lastAttemptAt[k];
    }

    long latencyMs(int k) {
        return latencyMs[k];
    }
}
