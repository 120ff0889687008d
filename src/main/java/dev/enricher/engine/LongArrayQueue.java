package dev.enricher.engine;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * A FIFO of primitive longs in a growable ring buffer. Written by hand because the JDK has none and the per-key
 * queues hold sequence numbers of every pending event: boxing each would double their memory.
 */
final class LongArrayQueue {
    private long[] items = new long[4];
    private int head;
    private int size;

    void add(long v) {
        if (size == items.length) {
            long[] grown = new long[items.length * 2];
            int firstPart = items.length - head;
            System.arraycopy(items, head, grown, 0, firstPart);
            System.arraycopy(items, 0, grown, firstPart, head);
            items = grown;
            head = 0;
        }
        items[(head + size) % items.length] = v;
        size++;
    }

    long peek() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return items[head];
    }

    long poll() {
        long v = peek();
        head = (head + 1) % items.length;
        size--;
        return v;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    @Override
    public String toString() {
        long[] out = new long[size];
        for (int i = 0; i < size; i++) {
            out[i] = items[(head + i) % items.length];
        }
        return Arrays.toString(out);
    }
}
