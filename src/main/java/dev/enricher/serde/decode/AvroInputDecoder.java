package dev.enricher.serde.decode;

import dev.enricher.serde.BoundedDecoder;
import dev.enricher.serde.RegistryException;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.serde.decode.DecodeException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Decodes Confluent-framed Avro (magic byte 0, 4-byte big-endian schema id, Avro binary) with the writer schema the
 * registry holds for the id.
 *
 * <p>The record is read as the writer wrote it (no reader schema), so any record type works: {@code TextEvent}
 * ({@code text}, optional {@code id}, optional {@code attributes} map) and producers' own records alike.
 * <ul>
 * <li>Text: the string field named by {@code textField} (default {@code text}); a field that is missing, not a
 *     string (or a union with a string branch), or null is {@link Reason#NO_TEXT_IN_RECORD}; blank is
 *     {@link Reason#EMPTY_TEXT}.</li>
 * <li>Id: the field named by {@code idField} (default {@code id}), optional; any scalar is turned into a string;
 *     a record, array, map, bytes or fixed is {@link Reason#ID_NOT_SCALAR}.</li>
 * <li>Attributes: the entries of a map field named {@code attributes} (as in {@code TextEvent}) and every other
 *     top-level field holding a string, number, boolean or enum symbol, in schema order; nulls and other types are
 *     skipped.</li>
 * <li>The whole payload must be one record: bytes left over are {@link Reason#TRAILING_BYTES}. Strings are strict
 *     UTF-8.</li>
 * </ul>
 *
 * <p>Registry: the writer schema of each id is asked once and kept (with what was learnt from it) for the life of the
 * decoder, so only the first record of a schema may block on the registry. An id the registry does not know is
 * {@link Reason#UNKNOWN_SCHEMA_ID} (the record's fault, not remembered: the id may be registered later); a registry
 * that cannot answer is {@link Reason#REGISTRY_UNAVAILABLE}, for which {@link DecodeException#recordAtFault()} is
 * false: retry or pause, never dead-letter.
 *
 * <p>Thread-safe: the cache is a {@link ConcurrentHashMap}; Avro's {@link GenericDatumReader} may be shared.
 */
public final class AvroInputDecoder implements InputDecoder {
    /** The map field whose entries become attributes, as in {@code TextEvent}. */
    static final String ATTRIBUTES_FIELD = "attributes";

    private final SchemaRegistry registry;
    private final String textField;
    private final String idField;
    private final int maxBytes;
    private final ConcurrentHashMap<Integer, WriterPlan> plans = new ConcurrentHashMap<>();

    /** Reads {@code TextEvent}s (text in {@code text}, id in {@code id}), at most 1 MiB. */
    public AvroInputDecoder(SchemaRegistry registry) {
        this(registry, DecoderConfig.DEFAULT_TEXT_FIELD, DecoderConfig.DEFAULT_ID_FIELD, DecoderConfig.DEFAULT_MAX_BYTES);
    }

    /**
     * @param registry  where writer schemas are found by id; called at most once per id that exists
     * @param textField the string field holding the text
     * @param idField   the field holding the id, or null or empty when events have no id
     * @param maxBytes  the largest value accepted, header included, 1 to 64 MiB
     * @throws IllegalArgumentException naming the setting, for an invalid field name or size
     */
    public AvroInputDecoder(SchemaRegistry registry, String textField, String idField, int maxBytes) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.textField = DecoderConfig.checkField("input.text-field", textField, false);
        this.idField = idField == null ? null : DecoderConfig.checkField("input.id-field", idField, true);
        if (textField.equals(this.idField)) {
            throw new IllegalArgumentException("input.id-field '" + idField + "' is the same as input.text-field");
        }
        this.maxBytes = DecoderConfig.checkMaxBytes(maxBytes);
    }

    @Override
    public DecodedEvent decode(String topic, byte[] value) {
        RawValue.check(value, maxBytes, "Confluent-framed Avro");
        ConfluentFrame frame = ConfluentFrame.parse(value);
        WriterPlan plan = plan(frame.schemaId());
        GenericRecord record = plan.read(value, frame.payloadOffset());
        return new DecodedEvent(plan.text(record), plan.id(record), plan.attributes(record));
    }

    /** How many schema ids are remembered; for tests and metrics. */
    int cachedSchemas() {
        return plans.size();
    }

    private WriterPlan plan(int id) {
        WriterPlan plan = plans.get(id);
        if (plan != null) {
            return plan;
        }
        // Not computeIfAbsent: the registry call may block, and would block other ids hashed to the same bin.
        // Two threads may both ask for a new id; the first answer kept wins.
        WriterPlan fresh = new WriterPlan(id, schema(id), textField, idField, maxBytes);
        WriterPlan earlier = plans.putIfAbsent(id, fresh);
        return earlier != null ? earlier : fresh;
    }

    private Schema schema(int id) {
        Schema schema;
        try {
            schema = registry.schemaById(id);
        } catch (RegistryException e) {
            switch (e.kind()) {
                case SCHEMA_NOT_FOUND:
                case SUBJECT_NOT_FOUND:
                    throw new DecodeException(Reason.UNKNOWN_SCHEMA_ID, "the schema registry has no schema with id " + id
                            + " (from the record's header); the producer wrote with a schema this registry does not"
                            + " hold: check that producer and service use the same registry", e);
                case INVALID_SCHEMA:
                    throw new DecodeException(Reason.UNKNOWN_SCHEMA_ID, "the schema registry holds schema id " + id
                            + " but it cannot be parsed: " + e.getMessage(), e);
                default:
                    throw new DecodeException(Reason.REGISTRY_UNAVAILABLE, "the schema registry could not be asked for"
                            + " schema id " + id + " (" + e.kind() + "): " + e.getMessage()
                            + "; not the record's fault, retry later: check the registry URL, credentials and health", e);
            }
        } catch (RuntimeException e) {
            throw new DecodeException(Reason.REGISTRY_UNAVAILABLE, "the schema registry failed when asked for schema id "
                    + id + " (" + e.getClass().getSimpleName() + "); not the record's fault, retry later", e);
        }
        if (schema == null) {
            throw new DecodeException(Reason.UNKNOWN_SCHEMA_ID, "the schema registry has no schema with id " + id);
        }
        return schema;
    }

    /**
     * What is known about one writer schema: its reader, and where the text and id are. A schema without a usable
     * text field is remembered as that failure, so its records fail without asking the registry again.
     */
    private static final class WriterPlan {
        private final int id;
        private final Schema schema;
        private final GenericDatumReader<Object> reader;
        private final String textField;
        private final int textPos;
        private final String idField;
        private final int idPos;
        private final String schemaFailure;
        private final int maxBytes;

        WriterPlan(int id, Schema schema, String textField, String idField, int maxBytes) {
            this.id = id;
            this.maxBytes = maxBytes;
            this.schema = schema;
            this.reader = new Utf8Reader(schema);
            this.textField = textField;
            this.idField = idField;
            String failure = null;
            int text = -1;
            int idAt = -1;
            if (schema.getType() != Schema.Type.RECORD) {
                failure = "schema id " + id + " is " + typeName(schema) + ", not a record with a string field '" + textField
                        + "'; the producer must write records, e.g. dev.enricher.avro.TextEvent";
            } else {
                Schema.Field f = schema.getField(textField);
                if (f == null) {
                    failure = "record " + schema.getFullName() + " (schema id " + id + ") has no field '" + textField
                            + "'; set input.text-field to the field holding the text";
                } else if (!holdsString(f.schema())) {
                    failure = "field '" + textField + "' of record " + schema.getFullName() + " (schema id " + id
                            + ") is " + typeName(f.schema()) + ", not a string; set input.text-field to the field holding"
                            + " the text";
                } else {
                    text = f.pos();
                }
                Schema.Field i = idField == null ? null : schema.getField(idField);
                idAt = i == null ? -1 : i.pos();
            }
            this.schemaFailure = failure;
            this.textPos = text;
            this.idPos = idAt;
        }

        GenericRecord read(byte[] value, int offset) {
            if (schemaFailure != null) {
                throw new DecodeException(Reason.NO_TEXT_IN_RECORD, schemaFailure);
            }
            int length = value.length - offset;
            BoundedDecoder in = new StrictUtf8Decoder(
                    DecoderFactory.get().binaryDecoder(value, offset, length, null), length, maxBytes);
            Object datum;
            try {
                datum = reader.read(null, in);
            } catch (DecodeException e) {
                throw e;
            } catch (EOFException e) {
                throw new DecodeException(Reason.TRUNCATED, "the Avro payload (" + length + " bytes after the header) ends"
                        + " before the record of schema id " + id + " (" + schema.getFullName() + ") is complete;"
                        + " the value was cut short, or written with another schema than its header says");
            } catch (BoundedDecoder.Malformed e) {
                throw notAvro(length, e.getMessage());
            } catch (IOException | RuntimeException e) {
                // Avro's messages may quote data; name the failure's kind only.
                throw notAvro(length, e.getClass().getSimpleName());
            } catch (StackOverflowError e) {
                // A recursive schema (a linked list of records) nested deeper than the stack allows; the reader's
                // frames are unwound by now, so this thread is fine.
                throw notAvro(length, "records nested too deeply to read");
            }
            if (in.remainingBytes() > 0) {
                throw new DecodeException(Reason.TRAILING_BYTES, in.remainingBytes() + " byte(s) left after the record of"
                        + " schema id " + id + " (" + schema.getFullName() + ") in a " + length + "-byte payload; the"
                        + " value was written with another schema than its header says, or has bytes appended");
            }
            return (GenericRecord) datum;
        }

        private DecodeException notAvro(int length, String detail) {
            return new DecodeException(Reason.NOT_AVRO, "the payload (" + length + " bytes after the header) is not"
                    + " Avro binary of schema id " + id + " (" + schema.getFullName() + "): " + detail
                    + "; the value was written with another schema than its header says, or is corrupt");
        }

        String text(GenericRecord record) {
            Object value = record.get(textPos);
            if (!(value instanceof CharSequence)) {
                throw new DecodeException(Reason.NO_TEXT_IN_RECORD, "field '" + textField + "' of record "
                        + schema.getFullName() + " (schema id " + id + ") "
                        + (value == null ? "is null" : "holds " + value.getClass().getSimpleName() + ", not a string")
                        + "; expected the text to enrich");
            }
            String text = string((CharSequence) value, "field '" + textField + "'");
            if (text.isBlank()) {
                throw new DecodeException(Reason.EMPTY_TEXT, "field '" + textField + "' of record " + schema.getFullName()
                        + " is " + (text.isEmpty() ? "empty" : "only whitespace (" + text.length() + " characters)")
                        + "; there is nothing to enrich");
            }
            return text;
        }

        String id(GenericRecord record) {
            if (idPos < 0) {
                return null;
            }
            Object value = record.get(idPos);
            if (value == null) {
                return null;
            }
            String string = scalar(value, "field '" + idField + "'");
            if (string == null) {
                throw new DecodeException(Reason.ID_NOT_SCALAR, "field '" + idField + "' of record " + schema.getFullName()
                        + " (schema id " + id + ") holds " + value.getClass().getSimpleName()
                        + ", expected a string or number; set input.id-field to the id itself, or empty when events have no id");
            }
            return string;
        }

        Map<String, String> attributes(GenericRecord record) {
            Map<String, String> attributes = new LinkedHashMap<>();
            for (Schema.Field f : schema.getFields()) {
                if (f.pos() == textPos || f.pos() == idPos) {
                    continue;
                }
                Object value = record.get(f.pos());
                if (value instanceof Map && f.name().equals(ATTRIBUTES_FIELD)) {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                        String v = e.getValue() == null ? null : scalar(e.getValue(), "an attribute value");
                        if (v != null) {
                            attributes.put(string((CharSequence) e.getKey(), "an attribute name"), v);
                        }
                    }
                } else if (value != null) {
                    String v = scalar(value, "field '" + f.name() + "'");
                    if (v != null) {
                        attributes.put(f.name(), v);
                    }
                }
            }
            return attributes;
        }

        /**
         * Reads every string as raw {@link Utf8}, whatever {@code avro.java.string} or {@code java-class} the writer
         * schema carries: strings are then decoded strictly, with the field named in the message, and no class named
         * by a producer's schema is ever loaded.
         */
        private static final class Utf8Reader extends GenericDatumReader<Object> {
            /** Avro's fast reader has its own string handling, which would bypass {@link #findStringClass}. */
            private static final GenericData CLASSIC = classic();

            Utf8Reader(Schema schema) {
                super(schema, schema, CLASSIC);
            }

            private static GenericData classic() {
                GenericData data = new GenericData();
                data.setFastReaderEnabled(false);
                return data;
            }

            @Override
            @SuppressWarnings("rawtypes")
            protected Class findStringClass(Schema schema) {
                return CharSequence.class;
            }
        }

        /** The string form of a scalar Avro value, or null for any other value. */
        private static String scalar(Object value, String what) {
            if (value instanceof CharSequence) {
                return string((CharSequence) value, what);
            }
            if (value instanceof Number || value instanceof Boolean || value instanceof GenericEnumSymbol) {
                return value.toString();
            }
            return null;
        }

        private static String string(CharSequence value, String what) {
            if (value instanceof Utf8) {
                Utf8 utf8 = (Utf8) value;
                return RawValue.utf8(utf8.getBytes(), 0, utf8.getByteLength(), what + " of the Avro record");
            }
            return RawValue.wellFormed(value.toString(), what + " of the Avro record");
        }

        private static boolean holdsString(Schema schema) {
            if (schema.getType() == Schema.Type.STRING) {
                return true;
            }
            if (schema.getType() == Schema.Type.UNION) {
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() == Schema.Type.STRING) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static String typeName(Schema schema) {
            return schema.getType() == Schema.Type.UNION ? "a union " + schema.getTypes().stream()
                    .map(s -> s.getType().getName()).toList() : "of type " + schema.getType().getName();
        }
    }
}
