package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GlinerTasksTest {

    @Nested
    class Ner {
        private final GlinerNerTask task = new GlinerNerTask(List.of("person", "organization"));

        @Test
        void request() {
            assertThat(task.name()).isEqualTo("entities");
            assertThat(task.model()).isEqualTo("gliner2-base-v1");
            ChatRequest r = task.request("Tim Cook runs Apple");
            assertThat(r.messages()).containsExactly(ChatMessage.user("Tim Cook runs Apple"));
            assertThat(r.metadata()).containsExactly(Map.entry("usecase", "ner"),
                    Map.entry("labels", List.of("person", "organization")), Map.entry("threshold", 0.5));
        }

        @Test
        void parses() {
            EntitiesResult r = task.parse(Completions.of(
                    "{\"entities\":{\"person\":[\"Tim Cook\"],\"organization\":[\"Apple\",\"FDA\"],\"location\":[]}}"));
            assertThat(r.entities()).containsExactly(Map.entry("person", List.of("Tim Cook")),
                    Map.entry("organization", List.of("Apple", "FDA")), Map.entry("location", List.of()));
            assertThat(r.spans("date")).isEmpty();
        }

        @Test
        void validatesConstruction() {
            assertThatThrownBy(() -> new GlinerNerTask(List.of())).hasMessageContaining("at least one");
            assertThatThrownBy(() -> new GlinerNerTask(null, null, List.of("person"), -0.1))
                    .hasMessageContaining("threshold");
        }

        @Test
        void unparseable() {
            assertThat(Completions.unparseable(task, "{\"entities\":[\"Tim Cook\"]}"))
                    .isEqualTo("expected an object at $.entities, found an array");
            assertThat(Completions.unparseable(task, "{\"entities\":{\"person\":\"Tim Cook\"}}"))
                    .isEqualTo("expected an array at $.entities.<key 0>, found a string");
            assertThat(Completions.unparseable(task, "{\"entities\":{\"person\":[\"Tim\",{\"t\":1}]}}"))
                    .isEqualTo("expected a string at $.entities.<key 0>[1], found an object");
            assertThat(Completions.unparseable(task, "{\"spans\":{}}"))
                    .isEqualTo("expected field 'entities' at $, found none");
        }
    }

    @Nested
    class Json {
        private final Map<String, List<String>> schema = Map.of("product",
                List.of("name::str::the product name", "price::str::price with currency", "in_stock::str"));
        private final GlinerJsonTask task = new GlinerJsonTask(schema);

        @Test
        void request() {
            assertThat(task.name()).isEqualTo("extract");
            ChatRequest r = task.request("The X1 costs $20");
            assertThat(r.model()).isEqualTo("gliner2-base-v1");
            assertThat(r.messages()).containsExactly(ChatMessage.user("The X1 costs $20"));
            assertThat(r.metadata()).containsExactly(Map.entry("usecase", "json"), Map.entry("schema", schema));
        }

        @Test
        void keepsJsonValueTypes() {
            ExtractionResult r = task.parse(Completions.of("{\"data\":{\"product\":[{\"name\":\"X1\",\"price\":20,"
                    + "\"weight\":1.5,\"in_stock\":true,\"color\":null,\"tags\":[\"new\",\"sale\"]},{\"name\":\"X2\"}]}}"));
            Map<String, Object> first = r.data().get("product").get(0);
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("name", "X1");
            expected.put("price", 20L);
            expected.put("weight", 1.5);
            expected.put("in_stock", true);
            expected.put("color", null);
            expected.put("tags", List.of("new", "sale"));
            assertThat(first).containsExactlyEntriesOf(expected);
            assertThat(r.data().get("product").get(1)).containsExactly(Map.entry("name", "X2"));
            assertThatThrownBy(() -> first.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void validatesSchema() {
            assertThatThrownBy(() -> new GlinerJsonTask(Map.of())).hasMessage("schema must have at least one group");
            assertThatThrownBy(() -> new GlinerJsonTask(Map.of("product", List.of("::str::nameless"))))
                    .hasMessageContaining("has no field name");
            assertThatThrownBy(() -> new GlinerJsonTask(Map.of("product", List.of())))
                    .hasMessage("schema group 'product' must list at least one field");
        }

        @Test
        void unparseable() {
            assertThat(Completions.unparseable(task, "{\"data\":{\"product\":{\"name\":\"X1\"}}}"))
                    .isEqualTo("expected an array at $.data.<key 0>, found an object");
            assertThat(Completions.unparseable(task, "{\"data\":{\"product\":[\"X1\"]}}"))
                    .isEqualTo("expected an object at $.data.<key 0>[0], found a string");
            assertThat(Completions.unparseable(task, "{\"product\":[]}"))
                    .isEqualTo("expected field 'data' at $, found none");
        }
    }

    @Nested
    class Classification {
        private final Map<String, List<String>> schema = Map.of("sentiment", List.of("positive", "negative", "neutral"));
        private final GlinerClassificationTask task = new GlinerClassificationTask(schema);

        @Test
        void request() {
            assertThat(task.name()).isEqualTo("classify");
            ChatRequest r = task.request("Love it");
            assertThat(r.messages()).containsExactly(ChatMessage.user("Love it"));
            assertThat(r.metadata()).containsExactly(Map.entry("usecase", "classification"), Map.entry("schema", schema));
        }

        @Test
        void parses() {
            ClassificationResult r = task.parse(Completions.of(
                    "{\"classification\":{\"sentiment\":\"positive\",\"urgency\":\"low\"}}"));
            assertThat(r.classification()).containsExactly(Map.entry("sentiment", "positive"), Map.entry("urgency", "low"));
        }

        @Test
        void validatesSchema() {
            assertThatThrownBy(() -> new GlinerClassificationTask(Map.of("sentiment", Arrays.asList("positive", " "))))
                    .hasMessage("schema axis 'sentiment' has a blank label");
        }

        @Test
        void unparseable() {
            assertThat(Completions.unparseable(task, "{\"classification\":{\"sentiment\":[\"positive\"]}}"))
                    .isEqualTo("expected a string at $.classification.<key 0>, found an array");
            assertThat(Completions.unparseable(task, "{\"classification\":{\"sentiment\":\"\"}}"))
                    .isEqualTo("expected a non-blank string at $.classification.<key 0>, found a blank string");
            assertThat(Completions.unparseable(task, "positive")).contains("invalid JSON");
        }
    }
}
