package dev.enricher.engine;

import dev.enricher.engine.avro.PendingEntry;
import dev.enricher.serde.GeneratedClassTrust;
import dev.enricher.engine.avro.StoredHeader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
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

    /** Every earlier schema of {@link PendingEntry}, so that entries written by earlier versions stay readable. */
    private static final List<String> EARLIER_SCHEMAS = List.of("/pending/PendingEntry-1.avsc", "/pending/PendingEntry-2.avsc",
            "/pending/PendingEntry-3.avsc", "/pending/PendingEntry-4.avsc",
            "/pending/PendingEntry-5.avsc");
    /** Single-object encoding's header: two marker bytes and the writer schema's 8-byte fingerprint. */
    private static final int HEADER_BYTES = 10;
    /** The fields before the task states: enough to dead-letter an entry no schema known here can read. */
    private static final int PREFIX_FIELDS = 7;
    private static final BinaryMessageDecoder<PendingEntry> DECODER;
    private static final Schema PREFIX;

    static {
        // Avro 1.12 decodes only trusted classes; the store's own generated class must be one.
        GeneratedClassTrust.install();
        SchemaStore.Cache earlier = new SchemaStore.Cache();
        for (String resource : EARLIER_SCHEMAS) {
            try (InputStream in = PendingStore.class.getResourceAsStream(resource)) {
                earlier.addSchema(new Schema.Parser().parse(in));
            } catch (IOException | RuntimeException e) {
                throw new IllegalStateException("the build lacks the pending entry schema " + resource, e);
            }
        }
        DECODER = PendingEntry.createDecoder(earlier);
        List<Schema.Field> prefix = new ArrayList<>();
        for (Schema.Field f : PendingEntry.getClassSchema().getFields().subList(0, PREFIX_FIELDS)) {
            prefix.add(new Schema.Field(f, f.schema()));
        }
        PREFIX = Schema.createRecord("PendingEntryPrefix", null, "dev.enricher.engine.avro", false, prefix);
    }

    /**
     * A stored entry no known schema reads (written by a newer version, after a rollback, or damaged).
     *
     * @param seq      its admission sequence number
     * @param salvaged the input and its coordinates read from the entry's prefix, which every version keeps in the
     *                 same layout; null when even that cannot be read
     * @param reason   why it cannot be read
     */
    record Unreadable(long seq, PendingEntry salvaged, String reason) {
    }

    PendingStore(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    void put(PendingEvent e) {
        store.put(key(e.seq), encode(e.entry));
        e.stored = true;
    }

    static byte[] encode(PendingEntry entry) {
        try {
            ByteBuffer buf = entry.toByteBuffer();
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            return bytes;
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot encode a pending entry", ex);
        }
    }

    void delete(PendingEvent e) {
        if (e.stored) {
            store.delete(key(e.seq));
            e.stored = false;
        }
    }

    /**
     * Every stored entry in admission order: readable ones to {@code action}, the others to {@code unreadable} (never
     * an exception: a restore must not fail on what an entry holds).
     */
    void forEach(BiConsumer<Long, PendingEntry> action, Consumer<Unreadable> unreadable) {
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                read(ByteBuffer.wrap(kv.key.get()).getLong(), kv.value, action, unreadable);
            }
        }
    }

    /**
     * The entry stored under {@code seq}, to {@code action} when it reads and to {@code unreadable} when not.
     *
     * @return false when there is none
     */
    boolean get(long seq, BiConsumer<Long, PendingEntry> action, Consumer<Unreadable> unreadable) {
        byte[] v = store.get(key(seq));
        if (v == null) {
            return false;
        }
        read(seq, v, action, unreadable);
        return true;
    }

    private static void read(long seq, byte[] v, BiConsumer<Long, PendingEntry> action,
                             Consumer<Unreadable> unreadable) {
        PendingEntry entry;
        try {
            entry = decode(v);
        } catch (RuntimeException e) {
            unreadable.accept(new Unreadable(seq, salvage(v), e.getMessage()
                    + (e.getCause() == null ? "" : ": " + e.getCause().getMessage())));
            return;
        }
        action.accept(seq, entry);
    }

    static PendingEntry decode(byte[] v) {
        try {
            return DECODER.decode(ByteBuffer.wrap(v));
        } catch (IOException | RuntimeException ex) {
            throw new UncheckedIOException("the pending store holds an entry this version cannot read",
                    ex instanceof IOException io ? io : new IOException(ex.getMessage(), ex));
        }
    }

    /**
     * The input of an entry no known schema reads, from the fields every version writes first in the same layout
     * (key, value, headers, timestamp, topic, partition, offset), skipping the writer schema's fingerprint. Avro's
     * decoders resolve only known writer schemas, so reading a known prefix of an unknown one is done here by hand.
     *
     * @return the salvaged entry with no task states, or null when the prefix does not read either
     */
    static PendingEntry salvage(byte[] v) {
        if (v == null || v.length <= HEADER_BYTES) {
            return null;
        }
        try {
            GenericRecord r = new GenericDatumReader<GenericRecord>(PREFIX, PREFIX, GenericData.get()).read(null,
                    DecoderFactory.get().binaryDecoder(v, HEADER_BYTES, v.length - HEADER_BYTES, null));
            List<StoredHeader> headers = new ArrayList<>();
            for (Object o : (List<?>) r.get("headers")) {
                GenericRecord h = (GenericRecord) o;
                headers.add(new StoredHeader(h.get("key").toString(), (ByteBuffer) h.get("value")));
            }
            return PendingEntry.newBuilder().setKey((ByteBuffer) r.get("key")).setValue((ByteBuffer) r.get("value"))
                    .setHeaders(headers).setTimestamp((Long) r.get("timestamp")).setTopic(r.get("topic").toString())
                    .setPartition((Integer) r.get("partition")).setOffset((Long) r.get("offset"))
                    .setAdmittedAt((Long) r.get("timestamp")).setTasks(List.of()).build();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Bytes key(long seq) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(seq).array());
    }
}
