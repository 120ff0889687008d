package dev.enricher.serde.decode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** Confluent-framed Avro written with Avro's own writers and a hand-made 5-byte header, independent of the decoder. */
final class AvroBytes {
    private AvroBytes() {
    }

    static byte[] header(int schemaId) {
        return ByteBuffer.allocate(5).put((byte) 0).putInt(schemaId).array();
    }

    /**
     * Built from the class, not the schema: Avro 1.12 refuses to load a class named by a schema unless its package is
     * trusted ({@code org.apache.avro.SERIALIZABLE_PACKAGES}), and these tests must not change that global setting.
     */
    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> byte[] specific(int schemaId, T record) {
        return framed(schemaId, new SpecificDatumWriter<>((Class<T>) record.getClass()), record);
    }

    static byte[] generic(int schemaId, Schema schema, Object datum) {
        return framed(schemaId, new GenericDatumWriter<>(schema), datum);
    }

    private static <T> byte[] framed(int schemaId, DatumWriter<T> writer, T datum) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(header(schemaId));
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            writer.write(datum, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
