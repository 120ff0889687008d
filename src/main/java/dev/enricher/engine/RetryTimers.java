package dev.enricher.engine;

import java.util.PriorityQueue;

/**
 * When each waiting task's next attempt is due: one priority queue, time passed in, shaped like Kafka Streams'
 * {@code PunctuationQueue}. A timer only says "look at this task of this event at this time"; whether it still has
 * reason to run is the processor's to decide when it fires (the event may have left, the task may have ended).
 *
 * <p>Not thread-safe: one processor's, stream thread only.
 */
final class RetryTimers {
    /** The task index of a timer that retries the event's decoding (a registry that could not be asked). */
    static final int DECODE = -1;

    /** What a due timer calls. */
    @FunctionalInterface
    interface Due {
        void fire(long seq, int task, long due);
    }

    private record Timer(long due, long seq, int task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return Long.compare(due, o.due);
        }
    }

    private final PriorityQueue<Timer> queue = new PriorityQueue<>();

    /** Task {@code task} (or {@link #DECODE}) of event {@code seq} is due at {@code due}, epoch ms. */
    void schedule(long due, long seq, int task) {
        queue.add(new Timer(due, seq, task));
    }

    /**
     * Fires, earliest first, every timer due at or before {@code now}, including those a firing one schedules that are
     * already due. Each fires once.
     */
    void fireDue(long now, Due due) {
        Timer t;
        while ((t = queue.peek()) != null && t.due <= now) {
            queue.poll();
            due.fire(t.seq, t.task, t.due);
        }
    }

    void clear() {
        queue.clear();
    }
}
