package dev.enricher.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format ({@link WireFormat}): resolves the writer schema by the id in the
 * header and reads the payload into the reader schema with Avro schema resolution: the generated class's
 * schema ({@link #specific}), a given schema, or the writer's own ({@link #generic(SchemaRegistry)}).
 *
 * <p>Thread-safe. After the first record per writer id no record costs a registry call (the registry is
 * wrapped in a {@link CachingSchemaRegistry}; a {@link DatumReader} is kept per writer id).
 *
 * <p>Bad bytes always end in a {@link SerdeException} whose {@link SerdeException.Reason} says what was wrong
 * and whose message names the topic and schema id; no Avro or JDK exception escapes. A null value reads as
 * null (a tombstone), as Kafka expects; an empty one is {@link SerdeException.Reason#NULL_OR_EMPTY}.
 *
 * @param <T> the record type
 */
public final class AvroDeserializer<T> implements Deserializer<T> {
    private final CachingSchemaRegistry registry;
    private final Schema readerSchema;
    private final GenericData model;
    private final boolean specific;
    private final ConcurrentMap<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    private AvroDeserializer(SchemaRegistry registry, Schema readerSchema, GenericData model, boolean specific) {
        this.registry = CachingSchemaRegistry.of(Objects.requireNonNull(registry, "registry"));
        this.readerSchema = readerSchema;
        this.model = model;
        this.specific = specific;
    }

    /** Reads into the generated class {@code type}, resolving each writer schema against {@code type}'s schema. */
    public static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type, SchemaRegistry registry) {
        GeneratedClassTrust.install();
        SpecificData data = SpecificData.getForClass(Objects.requireNonNull(type, "type"));
        return new AvroDeserializer<>(registry, data.getSchema(type), data, true);
    }

    /**
     * Reads generic records, each with its writer's schema. Strings read as {@link org.apache.avro.util.Utf8}
     * (call {@code toString()}), logical types as their underlying type ({@code timestamp-millis} as a {@code long}).
     */
    public static AvroDeserializer<GenericRecord> generic(SchemaRegistry registry) {
        return new AvroDeserializer<>(registry, null, GenericData.get(), false);
    }

    /**
     * Reads each record with its writer's schema, the parts that have a generated class here as that class and the
     * rest as generic records: the enriched record, whose envelope and {@code results} are derived from each
     * deployment's tasks, reads as a {@link GenericRecord} whose built-in results are {@code dev.enricher.avro.IabResult},
     * {@code PiiResult}, ... and whose prompt results are generic records.
     */
    public static AvroDeserializer<GenericRecord> mixed(SchemaRegistry registry) {
        GeneratedClassTrust.install();
        return new AvroDeserializer<>(registry, null, SpecificData.get(), true);
    }

    /** Reads generic records resolved into {@code readerSchema}. */
    public static AvroDeserializer<GenericRecord> generic(SchemaRegistry registry, Schema readerSchema) {
        return new AvroDeserializer<>(registry, Objects.requireNonNull(readerSchema, "readerSchema"),
                GenericData.get(), false);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the writer schema comes from the record's header.
    }

    /**
     * @return the record, or null for null {@code data}
     * @throws SerdeException for bytes that are not a framed record of a known, readable schema, or
     *                        {@link SerdeException.Reason#REGISTRY_UNAVAILABLE} when the registry cannot be asked
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        WireFormat.Framing framing = WireFormat.parse(topic, data);
        int id = framing.schemaId();
        DatumReader<T> reader = readerFor(topic, id);
        BinaryDecoder binary = DecoderFactory.get().binaryDecoder(data, framing.payloadOffset(),
                framing.payloadLength(), null);
        // No value can be longer than the payload: a longer length is corrupt data, not a cut-off record.
        BoundedDecoder decoder = new BoundedDecoder(binary, framing.payloadLength(), framing.payloadLength());
        T value;
        try {
            value = reader.read(null, decoder);
        } catch (EOFException e) {
            throw fail(SerdeException.Reason.TRUNCATED_PAYLOAD, topic, id, "the Avro payload of "
                    + framing.payloadLength() + " bytes ends before the record does (cut short?)", e);
        } catch (IOException | RuntimeException e) {
            // AvroRuntimeException and what hostile bytes provoke inside Avro (negative lengths, bad indexes).
            throw fail(SerdeException.Reason.NOT_AVRO, topic, id, "the payload is not valid Avro of schema id " + id
                    + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        try {
            if (!decoder.isEnd()) {
                throw fail(SerdeException.Reason.TRAILING_BYTES, topic, id, "bytes are left over after a complete "
                        + "record of schema id " + id + " (written with another schema than the header's id says?)",
                        null);
            }
        } catch (IOException e) {
            throw fail(SerdeException.Reason.NOT_AVRO, topic, id, "the payload could not be read to its end", e);
        }
        return value;
    }

    private DatumReader<T> readerFor(String topic, int id) {
        DatumReader<T> reader = readers.get(id);
        if (reader != null) {
            return reader;
        }
        if (id <= 0) {
            // Registries number schemas from 1: no need to ask (and an HTTP registry would be asked per bad record).
            throw fail(SerdeException.Reason.UNKNOWN_SCHEMA_ID, topic, id, "schema id " + id + " is not a registry id "
                    + "(ids start at 1): not Avro in the wire format?", null);
        }
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (RegistryException e) {
            if (e.kind() == RegistryException.Kind.SCHEMA_NOT_FOUND || e.kind() == RegistryException.Kind.SUBJECT_NOT_FOUND) {
                throw fail(SerdeException.Reason.UNKNOWN_SCHEMA_ID, topic, id, "the registry has no schema with id " + id
                        + " (written against another registry, or not Avro in the wire format?)", e);
            }
            throw fail(SerdeException.Reason.REGISTRY_UNAVAILABLE, topic, id, "the registry could not be asked for "
                    + "schema id " + id + ": " + e.getMessage(), e);
        }
        Schema reading = readerSchema == null ? writer : readerSchema;
        if (readerSchema != null) {
            SchemaCompatibility.SchemaPairCompatibility compat =
                    SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
            if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw fail(SerdeException.Reason.INCOMPATIBLE_SCHEMA, topic, id, "writer schema id " + id + " ("
                        + writer.getFullName() + ") cannot be read as " + readerSchema.getFullName() + ": "
                        + compat.getDescription(), null);
            }
        }
        reader = specific ? new SpecificDatumReader<>(writer, reading, (SpecificData) model)
                : new GenericDatumReader<>(writer, reading, model);
        DatumReader<T> prior = readers.putIfAbsent(id, reader);
        return prior != null ? prior : reader;
    }

    private static SerdeException fail(SerdeException.Reason reason, String topic, int id, String what, Throwable cause) {
        return new SerdeException(reason, topic, id, "cannot deserialize a record of topic " + topic + " (schema id "
                + id + "): " + what, cause);
    }
}
