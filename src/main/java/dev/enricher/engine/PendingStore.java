package dev.enricher.engine;

import dev.enricher.engine.avro.PendingEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.BiConsumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The changelogged pending store of one stream task, keyed by admission sequence number (8 bytes, big-endian, so the
 * store's byte order is admission order). Values are {@link PendingEntry} in Avro single-object encoding.
 *
 * <p>Stream thread only. Reads are allowed in {@code init()}; writes only in {@code process()} and punctuators, so
 * they join the transaction of the consumed offsets.
 */
final class PendingStore {
    private final KeyValueStore<Bytes, byte[]> store;

    PendingStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    void put(PendingEvent e) {
        try {
            ByteBuffer buf = e.entry.toByteBuffer();
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            store.put(key(e.seq), bytes);
            e.stored = true;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot encode pending entry " + e.seq, ex);
        }
    }

    void delete(PendingEvent e) {
        if (e.stored) {
            store.delete(key(e.seq));
            e.stored = false;
        }
    }

    /** Every stored entry in admission order. */
    void forEach(BiConsumer<Long, PendingEntry> action) {
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                action.accept(ByteBuffer.wrap(kv.key.get()).getLong(), decode(kv.value));
            }
        }
    }

    PendingEntry get(long seq) {
        byte[] v = store.get(key(seq));
        return v == null ? null : decode(v);
    }

    private static PendingEntry decode(byte[] v) {
        try {
            return PendingEntry.fromByteBuffer(ByteBuffer.wrap(v));
        } catch (IOException ex) {
            throw new UncheckedIOException("pending store holds an entry this version cannot read", ex);
        }
    }

    private static Bytes key(long seq) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(seq).array());
    }
}
