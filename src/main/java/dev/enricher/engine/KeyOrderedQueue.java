package dev.enricher.engine;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Per-key FIFO: an event leaves only when every earlier event of its key has left. Events without a key leave as
 * soon as they are finished.
 */
final class KeyOrderedQueue implements EmissionQueue {
    /** Unfinished or finished-but-blocked events of each key, oldest first. */
    private final Map<ByteBuffer, LongArrayQueue> byKey = new HashMap<>();
    private final Map<Long, ByteBuffer> keyOf = new HashMap<>();
    private final Set<Long> finished = new HashSet<>();
    private final Set<Long> keyless = new HashSet<>();
    private final LongArrayQueue ready = new LongArrayQueue();
    private int size;

    @Override
    public void add(long seq, byte[] key) {
        if (keyOf.containsKey(seq) || keyless.contains(seq)) {
            throw new IllegalStateException("event " + seq + " added twice");
        }
        size++;
        if (key == null) {
            keyless.add(seq);
            return;
        }
        ByteBuffer k = ByteBuffer.wrap(key);
        keyOf.put(seq, k);
        byKey.computeIfAbsent(k, x -> new LongArrayQueue()).add(seq);
    }

    @Override
    public void finished(long seq) {
        if (keyless.remove(seq)) {
            ready.add(seq);
            return;
        }
        ByteBuffer k = keyOf.get(seq);
        if (k == null || !finished.add(seq)) {
            throw new IllegalStateException("event " + seq + " finished but not waiting");
        }
        LongArrayQueue q = byKey.get(k);
        while (!q.isEmpty() && finished.contains(q.peek())) {
            long head = q.poll();
            finished.remove(head);
            keyOf.remove(head);
            ready.add(head);
        }
        if (q.isEmpty()) {
            byKey.remove(k);
        }
    }

    @Override
    public void drainReady(LongConsumer out) {
        while (!ready.isEmpty()) {
            size--;
            out.accept(ready.poll());
        }
    }

    @Override
    public boolean wouldLeaveAt(long seq) {
        ByteBuffer k = keyOf.get(seq);
        if (k == null) {
            return true;
        }
        return byKey.get(k).peek() == seq;
    }

    @Override
    public int size() {
        return size;
    }
}
