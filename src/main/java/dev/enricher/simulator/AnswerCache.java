package dev.enricher.simulator;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Memoizes successful answers by request body. An answer is a pure function of the request (that is
 * the simulator's contract): the validation, the generated content and the envelope after its
 * {@code id} and {@code created} are the same for the same body. A repeated body therefore skips
 * parsing, generation and serialization, and gets only a fresh id and time: under load the
 * simulator's CPU then goes to HTTP, as a remote API's would, instead of competing with the client
 * that the benchmarks measure. Errors are never memoized. Bounded: when full it starts over, which is
 * cheap and good enough for a test server (no LRU bookkeeping on the hot path). Thread-safe.
 */
final class AnswerCache {
    private final int capacity;
    private final ConcurrentHashMap<String, Prepared> answers;

    AnswerCache(int capacity) {
        this.capacity = capacity;
        this.answers = new ConcurrentHashMap<>(Math.max(16, capacity));
    }

    /** The memoized answer to {@code body}, or null. */
    Prepared get(String body) {
        return capacity == 0 ? null : answers.get(body);
    }

    void put(String body, Prepared answer) {
        if (capacity == 0) {
            return;
        }
        if (answers.size() >= capacity) {
            answers.clear();
        }
        answers.put(body, answer);
    }

    /**
     * A validated request's answer.
     *
     * @param model the model, for its latency distribution
     * @param tail  the envelope from {@code ,"model":} on ({@link Envelope#completionTail})
     */
    record Prepared(String model, byte[] tail) {
    }
}
