package dev.enricher.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** The last N requests in a lock-free ring; writers on any event loop, readers on any thread. */
final class RequestLog {
    private final AtomicReferenceArray<RecordedRequest> ring;
    private final AtomicLong next = new AtomicLong();

    RequestLog(int capacity) {
        this.ring = new AtomicReferenceArray<>(Math.max(capacity, 0));
    }

    void add(RecordedRequest r) {
        int n = ring.length();
        if (n == 0) {
            return;
        }
        long i = next.getAndIncrement();
        ring.set((int) (i % n), r);
    }

    /** Oldest first; under concurrent writes the newest entries may be missing or slightly out of order. */
    List<RecordedRequest> snapshot() {
        int n = ring.length();
        long end = next.get();
        long start = Math.max(0, end - n);
        List<RecordedRequest> out = new ArrayList<>((int) (end - start));
        for (long i = start; i < end; i++) {
            RecordedRequest r = ring.get((int) (i % n));
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    void clear() {
        for (int i = 0; i < ring.length(); i++) {
            ring.set(i, null);
        }
        next.set(0);
    }
}
