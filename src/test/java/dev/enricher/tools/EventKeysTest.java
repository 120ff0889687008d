package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventKeysTest {
    private static final JsonNode EVENT = json("{\"id\": \"e-1\", \"n\": 7, \"user\": {\"id\": \"u-9\"}, "
            + "\"tags\": [\"a\"], \"gone\": null, \"a/b\": \"slash\"}");

    @Test
    void roundRobinTakesTheKeysInTurnWhateverTheEvent() {
        EventKeys keys = EventKeys.roundRobin(3);
        assertThat(text(keys.keyOf(0, null))).isEqualTo("key-0");
        assertThat(text(keys.keyOf(4, EVENT))).isEqualTo("key-1");
        assertThatThrownBy(() -> EventKeys.roundRobin(0)).hasMessageContaining("at least 1");
    }

    @Test
    void aFieldIsTakenByNameOrJsonPointerTextAsItIsOtherJsonAsJson() {
        assertThat(text(EventKeys.field("id").keyOf(0, EVENT))).isEqualTo("e-1");
        assertThat(text(EventKeys.field("n").keyOf(0, EVENT))).isEqualTo("7");
        assertThat(text(EventKeys.field("/user/id").keyOf(0, EVENT))).isEqualTo("u-9");
        assertThat(text(EventKeys.field("tags").keyOf(0, EVENT))).isEqualTo("[\"a\"]");
        assertThat(text(EventKeys.field("a/b").keyOf(0, EVENT))).isEqualTo("slash");
    }

    @Test
    void noKeyWithoutTheFieldOrWithoutJson() {
        assertThat(EventKeys.field("missing").keyOf(0, EVENT)).isNull();
        assertThat(EventKeys.field("gone").keyOf(0, EVENT)).isNull();
        assertThat(EventKeys.field("id").keyOf(0, null)).isNull();
        assertThatThrownBy(() -> EventKeys.field(" ")).hasMessageContaining("field name or a JSON Pointer");
    }

    private static String text(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    private static JsonNode json(String s) {
        try {
            return JsonRendering.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
