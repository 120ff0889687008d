package dev.enricher.serde.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DecoderConfigTest {
    private final MapSchemaRegistry registry = AvroInputDecoderTest.registry();

    @Test
    void defaults() {
        DecoderConfig c = DecoderConfig.defaults(InputFormat.JSON);
        assertThat(c.textPointer()).isEqualTo("/text");
        assertThat(c.idPointer()).isEqualTo("/id");
        assertThat(c.textField()).isEqualTo("text");
        assertThat(c.idField()).isEqualTo("id");
        assertThat(c.maxBytes()).isEqualTo(1024 * 1024);
    }

    @Test
    void theFactoryBuildsEachFormat() {
        assertThat(InputDecoder.create(DecoderConfig.defaults(InputFormat.JSON), null)).isInstanceOf(JsonInputDecoder.class);
        assertThat(InputDecoder.create(DecoderConfig.text(100), null)).isInstanceOf(PlainTextDecoder.class);
        assertThat(InputDecoder.create(DecoderConfig.avro("text", "", 100), registry)).isInstanceOf(AvroInputDecoder.class);
        assertThatThrownBy(() -> InputDecoder.create(DecoderConfig.defaults(InputFormat.AVRO), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema registry");
        InputDecoder json = InputDecoder.create(DecoderConfig.json("/body/text", "", 0), null);
        assertThat(json.decode("t", "{\"body\":{\"text\":\"x\"},\"id\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo(new DecodedEvent("x", null, java.util.Map.of("id", "1")));
    }

    @Test
    void formatsParseCaseInsensitively() {
        assertThat(InputFormat.parse("json")).isEqualTo(InputFormat.JSON);
        assertThat(InputFormat.parse(" Avro ")).isEqualTo(InputFormat.AVRO);
        assertThatThrownBy(() -> InputFormat.parse("xml"))
                .hasMessage("input.format 'xml' is not a known format: use one of json, avro, text");
        assertThatThrownBy(() -> new DecoderConfig(null, null, null, null, null, 0))
                .hasMessageContaining("input.format is not set");
    }

    @Test
    void pointersMustBeJsonPointers() {
        assertThatThrownBy(() -> DecoderConfig.json("text", null, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input.text-pointer 'text' is not a JSON Pointer: it must start with '/', e.g. /text");
        assertThatThrownBy(() -> DecoderConfig.json("body.text", null, 0))
                .hasMessageContaining("e.g. /body/text");
        assertThatThrownBy(() -> DecoderConfig.json("/a~2", null, 0))
                .hasMessageContaining("input.text-pointer '/a~2' is not a valid JSON Pointer");
        assertThatThrownBy(() -> DecoderConfig.json("", null, 0))
                .hasMessageContaining("input.text-pointer is empty");
        assertThatThrownBy(() -> DecoderConfig.json("/text", "id", 0))
                .hasMessageContaining("input.id-pointer 'id' is not a JSON Pointer");
        assertThatThrownBy(() -> DecoderConfig.json("/x", "/x", 0))
                .hasMessageContaining("input.id-pointer '/x' is the same as input.text-pointer");
        assertThat(DecoderConfig.json("/text", "", 0).idPointer()).isEmpty();
    }

    @Test
    void fieldsMustBeAvroNames() {
        assertThatThrownBy(() -> DecoderConfig.avro("body-text", null, 0))
                .hasMessageContaining("input.text-field 'body-text' is not an Avro field name");
        assertThatThrownBy(() -> DecoderConfig.avro("text", "text", 0))
                .hasMessageContaining("input.id-field 'text' is the same as input.text-field");
        assertThatThrownBy(() -> DecoderConfig.avro("text", "9", 0))
                .hasMessageContaining("input.id-field '9'");
    }

    @Test
    void maxBytesInRange() {
        assertThatThrownBy(() -> DecoderConfig.text(-1)).hasMessageContaining("input.max-bytes -1 is out of range");
        assertThatThrownBy(() -> DecoderConfig.text(DecoderConfig.MAX_MAX_BYTES + 1))
                .hasMessageContaining("between 1 and 67108864");
        assertThat(DecoderConfig.text(1).maxBytes()).isEqualTo(1);
    }

    @Test
    void onlyTheRegistryBeingDownIsNotTheRecordsFault() {
        for (DecodeException.Reason r : DecodeException.Reason.values()) {
            assertThat(r.recordAtFault()).as(r.name()).isEqualTo(r != DecodeException.Reason.REGISTRY_UNAVAILABLE);
        }
    }
}
