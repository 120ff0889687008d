package dev.enricher.serde.decode;

import static dev.enricher.serde.decode.JsonInputDecoderTest.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.enricher.avro.TextEvent;
import dev.enricher.serde.RegistryException;
import dev.enricher.serde.decode.DecodeException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class AvroInputDecoderTest {
    static final int TEXT_EVENT_ID = 1;
    static final int CUSTOM_ID = 2;
    static final int NO_TEXT_ID = 3;
    static final int INT_TEXT_ID = 4;
    static final int STRING_ID = 5;
    static final int OPTIONAL_TEXT_ID = 6;
    static final int NESTED_ID_ID = 7;

    static final Schema CUSTOM = SchemaBuilder.record("Post").namespace("com.example").fields()
            .requiredString("body")
            .requiredLong("postId")
            .requiredString("author")
            .requiredInt("likes")
            .requiredBoolean("pinned")
            .name("kind").type().enumeration("Kind").symbols("NEWS", "OPINION").noDefault()
            .optionalString("lang")
            .name("tags").type().array().items().stringType().noDefault()
            .name("raw").type().bytesType().noDefault()
            .endRecord();
    static final Schema NO_TEXT = SchemaBuilder.record("NoText").fields().requiredString("message").endRecord();
    static final Schema INT_TEXT = SchemaBuilder.record("IntText").fields().requiredInt("text").endRecord();
    static final Schema OPTIONAL_TEXT = SchemaBuilder.record("OptText").fields().optionalString("text").endRecord();
    static final Schema NESTED_ID = SchemaBuilder.record("NestedId").fields().requiredString("text")
            .name("id").type().record("Ref").fields().requiredString("v").endRecord().noDefault().endRecord();

    static MapSchemaRegistry registry() {
        return new MapSchemaRegistry()
                .put(TEXT_EVENT_ID, TextEvent.getClassSchema())
                .put(CUSTOM_ID, CUSTOM)
                .put(NO_TEXT_ID, NO_TEXT)
                .put(INT_TEXT_ID, INT_TEXT)
                .put(STRING_ID, Schema.create(Schema.Type.STRING))
                .put(OPTIONAL_TEXT_ID, OPTIONAL_TEXT)
                .put(NESTED_ID_ID, NESTED_ID);
    }

    static byte[] textEvent(String text, String id, Map<String, String> attributes) {
        return AvroBytes.specific(TEXT_EVENT_ID, TextEvent.newBuilder().setText(text).setId(id)
                .setAttributes(attributes).build());
    }

    static GenericRecord post(String body) {
        GenericRecord r = new GenericData.Record(CUSTOM);
        r.put("body", body);
        r.put("postId", 9_000_000_000L);
        r.put("author", "ann");
        r.put("likes", 3);
        r.put("pinned", true);
        r.put("kind", new GenericData.EnumSymbol(CUSTOM.getField("kind").schema(), "NEWS"));
        r.put("lang", null);
        r.put("tags", List.of("a", "b"));
        r.put("raw", ByteBuffer.wrap(new byte[] {1, 2}));
        return r;
    }

    private final MapSchemaRegistry registry = registry();
    private final AvroInputDecoder decoder = new AvroInputDecoder(registry);

    @Test
    void textEventWithIdAndAttributes() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("source", "web");
        attrs.put("lang", "de");
        DecodedEvent e = decoder.decode("raw", textEvent("Grüße 👋", "e-1", attrs));
        assertThat(e.text()).isEqualTo("Grüße 👋");
        assertThat(e.id()).isEqualTo("e-1");
        assertThat(e.attributes()).containsOnly(entry("source", "web"), entry("lang", "de"));
    }

    @Test
    void textEventWithoutIdOrAttributes() {
        DecodedEvent e = decoder.decode("raw", textEvent("hello", null, null));
        assertThat(e.id()).isNull();
        assertThat(e.attributes()).isEmpty();
    }

    @Test
    void customRecordWithConfiguredFields() {
        AvroInputDecoder custom = new AvroInputDecoder(registry, "body", "postId", 1024);
        DecodedEvent e = custom.decode("raw", AvroBytes.generic(CUSTOM_ID, CUSTOM, post("a post")));
        assertThat(e.text()).isEqualTo("a post");
        assertThat(e.id()).isEqualTo("9000000000");
        assertThat(e.attributes()).containsExactly(entry("author", "ann"), entry("likes", "3"), entry("pinned", "true"),
                entry("kind", "NEWS"));
    }

    @Test
    void customRecordWithoutAnIdField() {
        AvroInputDecoder custom = new AvroInputDecoder(registry, "body", null, 1024);
        DecodedEvent e = custom.decode("raw", AvroBytes.generic(CUSTOM_ID, CUSTOM, post("p")));
        assertThat(e.id()).isNull();
        assertThat(e.attributes()).containsEntry("postId", "9000000000");
    }

    @Test
    void theRegistryIsAskedOncePerSchemaId() {
        for (int i = 0; i < 50; i++) {
            decoder.decode("raw", textEvent("t" + i, null, null));
        }
        assertThat(registry.lookups()).isEqualTo(1);
        assertThat(decoder.cachedSchemas()).isEqualTo(1);
        // A known schema keeps working while the registry is down.
        registry.failWith(new RegistryException(RegistryException.Kind.UNREACHABLE, "connection refused"));
        assertThat(decoder.decode("raw", textEvent("still", null, null)).text()).isEqualTo("still");
    }

    @Test
    void wrongMagicByte() {
        byte[] value = textEvent("t", null, null);
        value[0] = 1;
        DecodeException e = failure(decoder, value);
        assertThat(e.reason()).isEqualTo(Reason.WRONG_MAGIC_BYTE);
        assertThat(e.getMessage()).contains("magic byte 0", "0x01");
        DecodeException json = failure(decoder, "{\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(json.reason()).isEqualTo(Reason.WRONG_MAGIC_BYTE);
        assertThat(json.getMessage()).contains("input.format=json");
    }

    @Test
    void unknownSchemaIdIsTheRecordsFault() {
        DecodeException e = failure(decoder, AvroBytes.specific(99, TextEvent.newBuilder().setText("t").build()));
        assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e.recordAtFault()).isTrue();
        assertThat(e.getMessage()).contains("id 99");
        // Unknown ids are not remembered: registering it later makes the same record decodable.
        registry.put(99, TextEvent.getClassSchema());
        assertThat(decoder.decode("raw", AvroBytes.specific(99, TextEvent.newBuilder().setText("t").build())).text())
                .isEqualTo("t");
    }

    @Test
    void anUnreachableRegistryIsNotTheRecordsFault() {
        for (RegistryException.Kind kind : List.of(RegistryException.Kind.UNREACHABLE, RegistryException.Kind.UNAUTHORIZED,
                RegistryException.Kind.REGISTRY_ERROR)) {
            MapSchemaRegistry down = registry();
            down.failWith(new RegistryException(kind, "registry said no"));
            DecodeException e = failure(new AvroInputDecoder(down), textEvent("t", null, null));
            assertThat(e.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
            assertThat(e.recordAtFault()).isFalse();
            assertThat(e.getMessage()).contains("schema id 1", kind.name());
            // Failures are not cached: once the registry is back, the same record decodes.
            down.heal();
        }
        MapSchemaRegistry flaky = registry();
        AvroInputDecoder d = new AvroInputDecoder(flaky);
        flaky.failWith(new RegistryException(RegistryException.Kind.UNREACHABLE, "timeout"));
        assertThat(failure(d, textEvent("t", null, null)).recordAtFault()).isFalse();
        flaky.heal();
        assertThat(d.decode("raw", textEvent("t", null, null)).text()).isEqualTo("t");
    }

    @Test
    void truncatedHeaderAndPayload() {
        assertThat(failure(decoder, new byte[] {0, 0, 0}).reason()).isEqualTo(Reason.TRUNCATED);
        assertThat(failure(decoder, AvroBytes.header(TEXT_EVENT_ID)).reason()).isEqualTo(Reason.TRUNCATED);
        byte[] whole = textEvent("a text long enough to cut", "id", Map.of("k", "v"));
        for (int cut = 5; cut < whole.length; cut++) {
            DecodeException e = failure(decoder, Arrays.copyOf(whole, cut));
            assertThat(e.reason()).as("cut at %d", cut).isIn(Reason.TRUNCATED, Reason.NOT_AVRO);
        }
        assertThat(failure(decoder, Arrays.copyOf(whole, whole.length - 3)).reason()).isEqualTo(Reason.TRUNCATED);
    }

    @Test
    void trailingBytes() {
        byte[] value = AvroBytes.concat(textEvent("t", null, null), new byte[] {7, 7});
        DecodeException e = failure(decoder, value);
        assertThat(e.reason()).isEqualTo(Reason.TRAILING_BYTES);
        assertThat(e.getMessage()).contains("2 byte(s) left");
    }

    @Test
    void lengthsLargerThanThePayloadFailBeforeAllocating() {
        // text length varint 0xFFFFFFFF0F... = a string of ~2^31 bytes in a 10-byte payload
        byte[] value = AvroBytes.concat(AvroBytes.header(TEXT_EVENT_ID),
                new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F, 'a'});
        DecodeException e = failure(decoder, value);
        assertThat(e.reason()).isEqualTo(Reason.NOT_AVRO);
        assertThat(e.getMessage()).contains("longer than any value accepted");
        // a plausible length past the end is a value cut short
        byte[] cut = AvroBytes.concat(AvroBytes.header(TEXT_EVENT_ID), new byte[] {6, 'a'});
        assertThat(failure(decoder, cut).reason()).isEqualTo(Reason.TRUNCATED);
        // a map of 2^30 entries
        byte[] map = AvroBytes.concat(AvroBytes.header(TEXT_EVENT_ID),
                new byte[] {2, 'a', 0, 2, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08});
        assertThat(failure(decoder, map).reason()).isEqualTo(Reason.NOT_AVRO);
        // a union branch that does not exist
        byte[] branch = AvroBytes.concat(AvroBytes.header(TEXT_EVENT_ID), new byte[] {2, 'a', 20});
        assertThat(failure(decoder, branch).reason()).isEqualTo(Reason.NOT_AVRO);
    }

    @Test
    void invalidUtf8InAnAvroString() {
        byte[] value = AvroBytes.concat(AvroBytes.header(TEXT_EVENT_ID), new byte[] {4, 'a', (byte) 0xFF, 0, 0});
        DecodeException e = failure(decoder, value);
        assertThat(e.reason()).isEqualTo(Reason.NOT_UTF8);
        assertThat(e.getMessage()).contains("field 'text'");
    }

    @Test
    void noTextInRecord() {
        GenericRecord noText = new GenericData.Record(NO_TEXT);
        noText.put("message", "x");
        DecodeException missing = failure(decoder, AvroBytes.generic(NO_TEXT_ID, NO_TEXT, noText));
        assertThat(missing.reason()).isEqualTo(Reason.NO_TEXT_IN_RECORD);
        assertThat(missing.getMessage()).contains("has no field 'text'", "input.text-field");

        GenericRecord intText = new GenericData.Record(INT_TEXT);
        intText.put("text", 5);
        DecodeException notString = failure(decoder, AvroBytes.generic(INT_TEXT_ID, INT_TEXT, intText));
        assertThat(notString.reason()).isEqualTo(Reason.NO_TEXT_IN_RECORD);
        assertThat(notString.getMessage()).contains("of type int, not a string");

        DecodeException notRecord = failure(decoder,
                AvroBytes.generic(STRING_ID, Schema.create(Schema.Type.STRING), "just text"));
        assertThat(notRecord.reason()).isEqualTo(Reason.NO_TEXT_IN_RECORD);
        assertThat(notRecord.getMessage()).contains("not a record");

        GenericRecord nullText = new GenericData.Record(OPTIONAL_TEXT);
        DecodeException isNull = failure(decoder, AvroBytes.generic(OPTIONAL_TEXT_ID, OPTIONAL_TEXT, nullText));
        assertThat(isNull.reason()).isEqualTo(Reason.NO_TEXT_IN_RECORD);
        assertThat(isNull.getMessage()).contains("is null");

        nullText.put("text", "present");
        assertThat(decoder.decode("raw", AvroBytes.generic(OPTIONAL_TEXT_ID, OPTIONAL_TEXT, nullText)).text())
                .isEqualTo("present");
        // A bad schema is remembered like a good one: one registry call per id.
        int before = registry.lookups();
        failure(decoder, AvroBytes.generic(INT_TEXT_ID, INT_TEXT, intText));
        assertThat(registry.lookups()).isEqualTo(before);
    }

    @Test
    void emptyText() {
        assertThat(failure(decoder, textEvent("", null, null)).reason()).isEqualTo(Reason.EMPTY_TEXT);
        assertThat(failure(decoder, textEvent(" \n\t", null, null)).reason()).isEqualTo(Reason.EMPTY_TEXT);
    }

    @Test
    void idNotScalar() {
        GenericRecord r = new GenericData.Record(NESTED_ID);
        r.put("text", "t");
        GenericRecord ref = new GenericData.Record(NESTED_ID.getField("id").schema());
        ref.put("v", "x");
        r.put("id", ref);
        DecodeException e = failure(decoder, AvroBytes.generic(NESTED_ID_ID, NESTED_ID, r));
        assertThat(e.reason()).isEqualTo(Reason.ID_NOT_SCALAR);
        assertThat(e.getMessage()).contains("field 'id'", "input.id-field");
    }

    @Test
    void tooLargeNullAndEmpty() {
        AvroInputDecoder small = new AvroInputDecoder(registry, "text", "id", 64);
        assertThat(failure(small, textEvent("x".repeat(100), null, null)).reason()).isEqualTo(Reason.TOO_LARGE);
        assertThat(failure(decoder, null).reason()).isEqualTo(Reason.NULL_VALUE);
        assertThat(failure(decoder, new byte[0]).reason()).isEqualTo(Reason.EMPTY_VALUE);
    }

    @Test
    void writtenWithAnotherSchemaThanTheHeaderSays() {
        // A Post payload labelled as a TextEvent: must fail typed, whatever it is.
        byte[] post = AvroBytes.generic(CUSTOM_ID, CUSTOM, post("body"));
        post[4] = TEXT_EVENT_ID;
        assertThat(failure(decoder, post).reason())
                .isIn(Reason.NOT_AVRO, Reason.TRUNCATED, Reason.TRAILING_BYTES, Reason.NOT_UTF8);
    }

    @Test
    void recursiveRecordsNestedTooDeeplyFailTyped() {
        Schema node = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Node\",\"fields\":["
                + "{\"name\":\"text\",\"type\":\"string\"},{\"name\":\"next\",\"type\":[\"null\",\"Node\"]}]}");
        registry.put(50, node);
        int levels = 300_000;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(AvroBytes.header(50));
        for (int i = 0; i < levels; i++) {
            out.writeBytes(new byte[] {2, 'a', 2});
        }
        out.writeBytes(new byte[] {2, 'a', 0});
        DecodeException e = failure(decoder, out.toByteArray());
        assertThat(e.reason()).isEqualTo(Reason.NOT_AVRO);
        // A shallow one reads fine.
        byte[] shallow = AvroBytes.concat(AvroBytes.header(50), new byte[] {2, 'a', 2, 2, 'b', 0});
        assertThat(decoder.decode("raw", shallow).text()).isEqualTo("a");
    }

    @Test
    void oneDecoderServesManyThreads() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<String>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String text = "event " + i;
                byte[] value = i % 2 == 0 ? textEvent(text, "id" + i, Map.of("n", "" + i))
                        : AvroBytes.generic(CUSTOM_ID, CUSTOM, post(text));
                AvroInputDecoder d = i % 2 == 0 ? decoder : customDecoder;
                results.add(pool.submit(() -> d.decode("raw", value).text()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo("event " + i);
            }
        } finally {
            pool.shutdownNow();
        }
        // Racing first records may each ask; never more than once per thread and decoder.
        assertThat(registry.lookups()).isBetween(2, 16);
    }

    private final AvroInputDecoder customDecoder = new AvroInputDecoder(registry, "body", "postId", 4096);

    @Test
    void constructorValidatesSettings() {
        assertThatThrownBy(() -> new AvroInputDecoder(registry, "1text", "id", 10))
                .hasMessageContaining("input.text-field '1text'");
        assertThatThrownBy(() -> new AvroInputDecoder(registry, "text", "text", 10))
                .hasMessageContaining("input.id-field");
        assertThatThrownBy(() -> new AvroInputDecoder(registry, "text", "id", 0))
                .hasMessageContaining("input.max-bytes 0");
    }
}
