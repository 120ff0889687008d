package dev.enricher.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.IabResult;
import dev.enricher.avro.TextEvent;
import dev.enricher.testing.ApicurioRegistry;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Byte-level interoperability with Apicurio's own Avro serde, an independent implementation of the Confluent wire
 * format (magic byte 0, 4-byte big-endian id, Avro binary), over one real Apicurio Registry: ids that
 * {@link HttpSchemaRegistry} gets from the Confluent API ({@code /apis/ccompat/v7}) are the ids Apicurio's serde
 * writes and resolves through its core API ({@code /apis/registry/v3}).
 */
class ApicurioSerdeInteropTest {

    @RegisterExtension
    static final ApicurioRegistry APICURIO = new ApicurioRegistry();

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private final HttpSchemaRegistry registry = APICURIO.client();

    static final Schema EVENT = new Schema.Parser().parse("""
            {"type":"record","name":"Interop","namespace":"dev.enricher.test","fields":[
              {"name":"id","type":"string"},
              {"name":"count","type":"long"},
              {"name":"lang","type":["null","string"],"default":null}]}""");

    /**
     * Apicurio serde settings for the Confluent wire format: the id in the payload (no headers) as 4 bytes, and that
     * id is the content id, which is what Apicurio's Confluent API calls a schema id. Kiota's JDK HTTP adapter,
     * because its Vert.x adapter is built on Vert.x 4 and the project runs Vert.x 5.
     */
    static Map<String, Object> apicurioConfig(boolean autoRegister) {
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", APICURIO.coreUrl());
        config.put("apicurio.registry.http.adapter", "JDK");
        config.put("apicurio.registry.headers.enabled", false);
        config.put("apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler");
        config.put("apicurio.registry.use-id", "contentId");
        config.put("apicurio.registry.auto-register", autoRegister);
        return config;
    }

    static AvroKafkaSerializer<GenericRecord> apicurioSerializer() {
        AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(apicurioConfig(true), false);
        return serializer;
    }

    static AvroKafkaDeserializer<GenericRecord> apicurioDeserializer() {
        AvroKafkaDeserializer<GenericRecord> deserializer = new AvroKafkaDeserializer<>();
        deserializer.configure(apicurioConfig(false), false);
        return deserializer;
    }

    static GenericRecord event(String id, long count, String lang) {
        GenericRecord r = new GenericData.Record(EVENT);
        r.put("id", id);
        r.put("count", count);
        r.put("lang", lang);
        return r;
    }

    private static String topic() {
        return "interop-" + TOPICS.incrementAndGet();
    }

    @Test
    void apicurioSerializerToApicurioDeserializer() {
        String topic = topic();
        GenericRecord in = event("a-1", 42, "en");
        try (AvroKafkaSerializer<GenericRecord> ser = apicurioSerializer();
             AvroKafkaDeserializer<GenericRecord> de = apicurioDeserializer()) {
            byte[] bytes = ser.serialize(topic, in);
            GenericRecord out = de.deserialize(topic, bytes);

            assertThat(out.toString()).isEqualTo(in.toString());
        }
    }

    @Test
    void apicurioWritesTheConfluentFrameWithTheIdOurClientSees() throws IOException {
        String topic = topic();
        GenericRecord in = event("a-2", 7, null);
        byte[] bytes;
        try (AvroKafkaSerializer<GenericRecord> ser = apicurioSerializer()) {
            bytes = ser.serialize(topic, in);
        }

        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(registry.lookup(topic + "-value", EVENT)).isEqualTo(id);
        Schema writer = registry.schemaById(id);
        assertThat(writer).isEqualTo(EVENT);
        GenericRecord out = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(bytes, 5, bytes.length), null));
        assertThat(out).isEqualTo(in);
    }

    @Test
    void apicurioReadsWhatIsFramedWithAnIdWeRegistered() throws IOException {
        String topic = topic();
        int id = registry.register(topic + "-value", EVENT);
        GenericRecord in = event("b-1", -3, "fr");

        try (AvroKafkaDeserializer<GenericRecord> de = apicurioDeserializer()) {
            GenericRecord out = de.deserialize(topic, frame(id, EVENT, in));

            assertThat(out.toString()).isEqualTo(in.toString());
        }
    }

    // ---- our serde <-> Apicurio's serde ----

    @Test
    void apicurioDeserializerReadsWhatOurSerializerWrites() {
        String topic = topic();
        GenericRecord in = event("c-1", 123_456_789_012L, "de");
        try (AvroSerializer<GenericRecord> ours = new AvroSerializer<>(registry, AvroSerdeConfig.defaults());
             AvroKafkaDeserializer<GenericRecord> theirs = apicurioDeserializer()) {
            ours.configure(Map.of(), false);
            byte[] bytes = ours.serialize(topic, in);

            assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(registry.lookup(topic + "-value", EVENT));
            assertThat(theirs.deserialize(topic, bytes).toString()).isEqualTo(in.toString());
        }
    }

    @Test
    void ourDeserializerReadsWhatApicurioSerializerWrites() {
        String topic = topic();
        GenericRecord in = event("d-1", 0, null);
        try (AvroKafkaSerializer<GenericRecord> theirs = apicurioSerializer();
             AvroDeserializer<GenericRecord> ours = AvroDeserializer.generic(registry)) {
            byte[] bytes = theirs.serialize(topic, in);

            assertThat(ours.deserialize(topic, bytes)).isEqualTo(in);
        }
    }

    @Test
    void generatedClassesCrossBothWays() {
        TextEvent text = TextEvent.newBuilder().setText("Where can I buy hiking boots?").setId("t-1")
                .setAttributes(Map.of("lang", "en")).build();
        GenericRecord enriched = Events.enriched(17);
        // Apicurio's specific reader instantiates the generated classes too: trust them as our deserializer does.
        GeneratedClassTrust.install();
        Map<String, Object> specific = new HashMap<>(apicurioConfig(false));
        specific.put("apicurio.registry.use-specific-avro-reader", true);

        String textTopic = topic();
        String enrichedTopic = topic();
        try (AvroSerializer<org.apache.avro.generic.IndexedRecord> ours = new AvroSerializer<>(registry,
                AvroSerdeConfig.defaults());
             AvroKafkaDeserializer<Object> theirs = new AvroKafkaDeserializer<>()) {
            ours.configure(Map.of(), false);
            theirs.configure(specific, false);

            assertThat(theirs.deserialize(textTopic, ours.serialize(textTopic, text))).isEqualTo(text);
            // A task's result record crosses as its generated class on its own too.
            IabResult iab = (IabResult) ((GenericRecord) enriched.get("results")).get("iab");
            String iabTopic = topic();
            assertThat(theirs.deserialize(iabTopic, ours.serialize(iabTopic, iab))).isEqualTo(iab);
        }
        // The enriched record has no generated class (its schema is derived from the tasks), so Apicurio's specific
        // reader, which wants a class for the writer's record, cannot read it; its generic reader does, field by field.
        try (AvroSerializer<GenericRecord> ours = new AvroSerializer<>(registry, AvroSerdeConfig.defaults());
             AvroKafkaDeserializer<GenericRecord> theirs = apicurioDeserializer()) {
            ours.configure(Map.of(), false);
            GenericRecord read = theirs.deserialize(enrichedTopic, ours.serialize(enrichedTopic, enriched));

            assertThat(read.getSchema().getFullName()).isEqualTo(Events.SCHEMA.getFullName());
            assertThat(read.get("source_offset")).isEqualTo(17L);
            assertThat(read.get("text").toString()).isEqualTo(enriched.get("text").toString());
            GenericRecord results = (GenericRecord) read.get("results");
            GenericRecord written = (GenericRecord) enriched.get("results");
            for (String task : List.of("iab", "followups", "pii")) {
                assertThat(results.get(task)).as(task).hasToString(written.get(task).toString());
            }
        }

        String backTopic = topic();
        try (AvroKafkaSerializer<Object> theirs = new AvroKafkaSerializer<>();
             AvroDeserializer<GenericRecord> ours = AvroDeserializer.mixed(registry)) {
            theirs.configure(apicurioConfig(true), false);
            // Their writer knows no logical-type conversions: it is given the timestamps as epoch milliseconds.
            org.apache.avro.generic.GenericData.Record plain =
                    new org.apache.avro.generic.GenericData.Record((org.apache.avro.generic.GenericData.Record) enriched, false);
            plain.put("source_timestamp", ((java.time.Instant) enriched.get("source_timestamp")).toEpochMilli());
            plain.put("enriched_at", ((java.time.Instant) enriched.get("enriched_at")).toEpochMilli());
            byte[] bytes = theirs.serialize(backTopic, plain);

            GenericRecord back = ours.deserialize(backTopic, bytes);
            assertThat(back).isEqualTo(enriched);
            assertThat(((GenericRecord) back.get("results")).get("iab")).as("a built-in result as its generated class")
                    .isInstanceOf(IabResult.class);
            try (HttpSchemaRegistry fresh = new HttpSchemaRegistry(RegistryConfig.of(APICURIO.ccompatUrl()))) {
                Schema writer = fresh.schemaById(ByteBuffer.wrap(bytes, 1, 4).getInt());
                assertThat(writer.getFullName()).isEqualTo(Events.SCHEMA.getFullName());
                assertThat(writer.getFields()).hasSameSizeAs(Events.SCHEMA.getFields());
            }
        }
    }

    @Test
    void theCacheSpendsOneRequestPerSchemaAndId() {
        try (HttpSchemaRegistry writes = new HttpSchemaRegistry(RegistryConfig.of(APICURIO.ccompatUrl()));
             HttpSchemaRegistry reads = new HttpSchemaRegistry(RegistryConfig.of(APICURIO.ccompatUrl()));
             AvroSerializer<GenericRecord> ser = new AvroSerializer<>(writes, AvroSerdeConfig.defaults());
             AvroDeserializer<GenericRecord> de = AvroDeserializer.generic(reads)) {
            ser.configure(Map.of(), false);
            String topic = topic();
            byte[] bytes = null;
            for (int i = 0; i < 50; i++) {
                bytes = ser.serialize(topic, event("e-" + i, i, null));
            }
            assertThat(writes.httpRequests()).as("50 records, one registration").isEqualTo(1);

            for (int i = 0; i < 50; i++) {
                de.deserialize(topic, bytes);
            }
            assertThat(reads.httpRequests()).as("50 records, one schema fetch").isEqualTo(1);

            CachingSchemaRegistry cached = CachingSchemaRegistry.of(writes);
            int id = cached.register(topic + "-value", EVENT);
            cached.register(topic + "-value", EVENT);
            cached.schemaById(id);
            cached.lookup(topic + "-value", EVENT);
            assertThat(writes.httpRequests()).as("a fresh cache asks once, then answers from memory").isEqualTo(2);
        }
    }

    /** The Confluent frame, written by hand: what any conforming serializer writes. */
    static byte[] frame(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
