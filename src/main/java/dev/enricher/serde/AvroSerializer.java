package dev.enricher.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated {@link SpecificRecord} classes or {@link org.apache.avro.generic.GenericRecord}s)
 * in the Confluent wire format ({@link WireFormat}), registering or looking up the record's schema under the
 * subject its {@link SubjectNameStrategy} names.
 *
 * <p>Thread-safe; one instance may serve every producer thread. After the first record per (subject, schema) no
 * record costs a registry call: the registry is wrapped in a {@link CachingSchemaRegistry} and a
 * {@link DatumWriter} is kept per record class (specific) or schema (generic). A generic record carries logical
 * types as their underlying type ({@code timestamp-millis} as a {@code long}).
 *
 * <p>A null value serializes to null (a tombstone), as Kafka expects.
 *
 * @param <T> the record type
 * @see AvroSerdes
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {
    private final CachingSchemaRegistry registry;
    private final AvroSerdeConfig config;
    private final ConcurrentMap<Object, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    /** Per thread: a growable buffer and its encoder, reused so a record costs one allocation (its result). */
    private static final int MAX_RETAINED_BUFFER = 1 << 20;
    private final ThreadLocal<Output> outputs = ThreadLocal.withInitial(Output::new);
    private volatile boolean isKey;

    /**
     * @param registry where schemas are registered or looked up; wrapped in a {@link CachingSchemaRegistry}
     *                 unless it is one
     * @param config   subject naming and auto-registration
     */
    public AvroSerializer(SchemaRegistry registry, AvroSerdeConfig config) {
        this.registry = CachingSchemaRegistry.of(Objects.requireNonNull(registry, "registry"));
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Only {@code isKey} is read (it picks the {@code -key} or {@code -value} subject); {@code configs} are ignored. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
    }

    /**
     * @return the framed record, or null for a null {@code data}
     * @throws SerdeException {@link SerdeException.Reason#SCHEMA_NOT_REGISTERED} (auto-register off and the schema
     *                        is not under the subject), {@link SerdeException.Reason#SCHEMA_REJECTED},
     *                        {@link SerdeException.Reason#REGISTRY_UNAVAILABLE}, or
     *                        {@link SerdeException.Reason#NOT_SERIALIZABLE}
     */
    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Schema schema = data.getSchema();
        int id = schemaId(topic, schema);
        Output output = outputs.get();
        try {
            output.buffer.reset();
            output.buffer.write(WireFormat.header(id));
            output.encoder = EncoderFactory.get().binaryEncoder(output.buffer, output.encoder);
            writerFor(data).write(data, output.encoder);
            output.encoder.flush();
            byte[] framed = output.buffer.toByteArray();
            if (framed.length > MAX_RETAINED_BUFFER) {
                outputs.remove(); // one huge record must not pin its buffer to the thread for good
            }
            return framed;
        } catch (IOException | AvroRuntimeException | NullPointerException | ClassCastException e) {
            output.encoder = null; // its buffer may hold half a record
            throw new SerdeException(SerdeException.Reason.NOT_SERIALIZABLE, topic, id,
                    "cannot encode a " + schema.getFullName() + " for topic " + topic + " with schema id " + id
                            + ": " + e.getMessage() + " (a required field null, or a value of the wrong type?)", e);
        }
    }

    private int schemaId(String topic, Schema schema) {
        String subject = config.subjectNameStrategy().subject(topic, isKey, schema);
        try {
            return config.autoRegister() ? registry.register(subject, schema) : registry.lookup(subject, schema);
        } catch (RegistryException e) {
            SerdeException.Reason reason;
            String advice;
            switch (e.kind()) {
                case SUBJECT_NOT_FOUND:
                case SCHEMA_NOT_FOUND:
                    reason = SerdeException.Reason.SCHEMA_NOT_REGISTERED;
                    advice = "auto-registration is off: register " + schema.getFullName() + " under subject '"
                            + subject + "' first";
                    break;
                case INCOMPATIBLE:
                case INVALID_SCHEMA:
                    reason = SerdeException.Reason.SCHEMA_REJECTED;
                    advice = "the registry refused " + schema.getFullName() + " under subject '" + subject
                            + "'; check the subject's compatibility rule";
                    break;
                default:
                    reason = SerdeException.Reason.REGISTRY_UNAVAILABLE;
                    advice = "the registry could not be asked about subject '" + subject + "'";
                    break;
            }
            throw new SerdeException(reason, topic, SerdeException.NO_SCHEMA_ID,
                    "cannot serialize for topic " + topic + ": " + advice + " (" + e.getMessage() + ")", e);
        }
    }

    private static final class Output {
        final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
        BinaryEncoder encoder;
    }

    @SuppressWarnings("unchecked")
    private DatumWriter<Object> writerFor(IndexedRecord data) {
        if (data instanceof SpecificRecord) {
            Class<?> type = data.getClass();
            return writers.computeIfAbsent(type, t -> (DatumWriter<Object>) (DatumWriter<?>)
                    new SpecificDatumWriter<>(data.getSchema(), SpecificData.getForClass(type)));
        }
        Schema schema = data.getSchema();
        // SpecificData, not GenericData: a generic record may hold generated records and enums (the enriched record's
        // results are generated result classes inside a record derived at run time); it writes plain generic ones too.
        return writers.computeIfAbsent(schema, s -> new GenericDatumWriter<>(schema, SpecificData.get()));
    }
}
