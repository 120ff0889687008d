package dev.enricher.engine;

import java.util.HashSet;
import java.util.Set;
import java.util.function.LongConsumer;

/** Every event leaves as soon as it is finished. */
final class UnorderedQueue implements EmissionQueue {
    private final Set<Long> waiting = new HashSet<>();
    private final LongArrayQueue ready = new LongArrayQueue();

    @Override
    public void add(long seq, byte[] key) {
        if (!waiting.add(seq)) {
            throw new IllegalStateException("event " + seq + " added twice");
        }
    }

    @Override
    public void finished(long seq) {
        if (!waiting.remove(seq)) {
            throw new IllegalStateException("event " + seq + " finished but not waiting");
        }
        ready.add(seq);
    }

    @Override
    public void drainReady(LongConsumer out) {
        while (!ready.isEmpty()) {
            out.accept(ready.poll());
        }
    }

    @Override
    public boolean wouldLeaveAt(long seq) {
        return true;
    }

    @Override
    public int size() {
        return waiting.size() + ready.size();
    }
}
