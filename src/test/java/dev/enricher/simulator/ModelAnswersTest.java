package dev.enricher.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ModelCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Each model's content in its documented shape, parsed the way a client parses it. */
class ModelAnswersTest {
    static Simulator sim;
    static SimHttp http;

    @BeforeAll
    static void start() {
        sim = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ZERO).instances(1).build());
        http = new SimHttp(sim);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    String content(String body) {
        HttpResponse<String> r = http.post(body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return SimHttp.content(r);
    }

    @Test
    void iabBasicNamesComeFromTheShippedTaxonomies() {
        String c = content(SimHttp.body(ModelCatalog.IAB, "The football match ended with a late goal by the striker."));
        assertThat(c).doesNotContain(" \"").doesNotContain(": ").doesNotContain(", ");
        JsonNode j = SimHttp.json(c);
        assertThat(ContractNames.of(j)).containsExactly("audience", "content");
        Set<String> v10 = names(IabTaxonomy.content10());
        Set<String> v22 = names(IabTaxonomy.content22());
        Set<String> audience = names(IabTaxonomy.audience11());
        assertThat(j.at("/content/iab_1_0")).isNotEmpty().allSatisfy(n -> assertThat(v10).contains(n.get("name").asText()));
        assertThat(j.at("/content/iab_2_2")).isNotEmpty().allSatisfy(n -> assertThat(v22).contains(n.get("name").asText()));
        assertThat(j.get("audience")).isNotEmpty().allSatisfy(n -> {
            assertThat(audience).contains(n.get("name").asText());
            assertThat(n.get("score").asDouble()).isBetween(0.0, 1.0);
        });
        assertThat(j.at("/content/iab_1_0/0/name").asText()).isEqualTo("Sports");
        List<String> names10 = new ArrayList<>();
        j.at("/content/iab_1_0").forEach(n -> names10.add(n.get("name").asText()));
        assertThat(names10).containsAnyOf("World Soccer", "Football");
    }

    @Test
    void iabFallsBackDeterministicallyWhenNothingMatches() {
        String body = SimHttp.body(ModelCatalog.IAB, "zzz qqq");
        JsonNode j = SimHttp.json(content(body));
        assertThat(j.at("/content/iab_1_0")).hasSize(1);
        assertThat(content(body)).isEqualTo(Json.compact(j));
    }

    @Test
    void iabEnrichedHasIdsTiersTopicsKeywordsAndIntent() {
        for (String model : List.of(ModelCatalog.IAB_ENRICHED, ModelCatalog.IAB_ENRICHED_V1)) {
            JsonNode j = SimHttp.json(content(SimHttp.body(model, "Best price to buy running shoes for a marathon in Paris")));
            assertThat(j.get("audience")).isNotEmpty().allSatisfy(a -> {
                assertThat(a.has("id") && a.has("parent_id") && a.has("name") && a.has("tier1_name")
                        && a.has("tier2_name") && a.has("score")).isTrue();
                assertThat(IabTaxonomy.audience11().find(a.get("id").asText()).name()).isEqualTo(a.get("name").asText());
            });
            assertThat(j.at("/content/iab_1_0")).isNotEmpty().allSatisfy(c -> {
                IabTaxonomy.Category cat = IabTaxonomy.content10().find(c.get("code").asText());
                assertThat(cat.name()).isEqualTo(c.get("name").asText());
                assertThat(c.get("tier").asInt()).isEqualTo(cat.tier());
                if (cat.parent() == null) {
                    assertThat(c.get("parent_code").isNull()).isTrue();
                } else {
                    assertThat(c.get("parent_code").asText()).isEqualTo(cat.parent());
                }
            });
            assertThat(j.get("topics")).isNotEmpty().allSatisfy(t -> assertThat(t.has("name") && t.has("score")).isTrue());
            List<String> keywords = new ArrayList<>();
            j.get("keywords").forEach(k -> keywords.add(k.asText()));
            assertThat(keywords).contains("price", "running", "shoes", "marathon", "paris");
            assertThat(j.at("/user_intent/name").asText()).isEqualTo("transactional");
            assertThat(j.at("/user_intent/category").asText()).isNotBlank();
            assertThat(j.at("/user_intent/score").asDouble()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void followupQuestionsAreAJsonArrayMentioningInputWords() {
        String input = "Kafka Streams processes events with exactly-once guarantees";
        JsonNode j = SimHttp.json(content(SimHttp.body(ModelCatalog.FOLLOWUP, input)));
        assertThat(j.isArray()).isTrue();
        assertThat(j.size()).isBetween(3, 4);
        Set<String> words = new HashSet<>(Words.words(input));
        j.forEach(q -> {
            assertThat(q.asText()).endsWith("?");
            assertThat(Words.words(q.asText())).anyMatch(words::contains);
        });
    }

    @Test
    void piiOffsetsPointIntoTheInputAndRedactionMatchesTheSpans() {
        String input = "Hi, I am John Smith, mail john.smith@example.com or call +1 415-555-0100; "
                + "card 4111 1111 1111 1111, server 10.0.0.12. Sarah will reply.";
        JsonNode j = SimHttp.json(content(SimHttp.chat(ModelCatalog.GLINER_PII, null, input, Map.of("usecase", "redact"))));
        Map<String, String> byLabel = new java.util.LinkedHashMap<>();
        int previousEnd = -1;
        for (JsonNode e : j.get("entities")) {
            int start = e.get("start").asInt();
            int end = e.get("end").asInt();
            assertThat(input.substring(start, end)).isEqualTo(e.get("text").asText());
            assertThat(start).isGreaterThanOrEqualTo(previousEnd);
            previousEnd = end;
            byLabel.putIfAbsent(e.get("label").asText(), e.get("text").asText());
            assertThat(j.at("/entities_by_label").get(e.get("label").asText()).toString()).contains(e.get("text").asText());
        }
        assertThat(byLabel).containsEntry("person", "John Smith").containsEntry("email", "john.smith@example.com")
                .containsEntry("phone number", "+1 415-555-0100").containsEntry("credit card number", "4111 1111 1111 1111")
                .containsEntry("ip address", "10.0.0.12");
        // Rebuild the redaction from the spans: the simulator must agree with its own offsets.
        StringBuilder expected = new StringBuilder();
        int at = 0;
        for (JsonNode e : j.get("entities")) {
            expected.append(input, at, e.get("start").asInt()).append('[')
                    .append(e.get("label").asText().toUpperCase().replace(' ', '_')).append(']');
            at = e.get("end").asInt();
        }
        expected.append(input.substring(at));
        assertThat(j.get("redacted_text").asText()).isEqualTo(expected.toString())
                .contains("[PERSON]", "[EMAIL]", "[PHONE_NUMBER]").doesNotContain("john.smith@example.com");
    }

    /** Python's {@code text[start:end]}: the API's offsets count code points. */
    private static String codePointSlice(String text, int start, int end) {
        return text.substring(text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end));
    }

    @Test
    void piiOffsetsCountCodePointsAsThePythonModelsDo() {
        String input = "\uD83D\uDE42\uD83D\uDE42 Contact john@example.com"; // two emoji, then an e-mail at the very end
        String body = SimHttp.chat(ModelCatalog.GLINER_PII, null, input, Map.of("usecase", "redact"));
        JsonNode j = SimHttp.json(content(body));

        JsonNode email = j.get("entities").get(0);
        assertThat(email.get("label").asText()).isEqualTo("email");
        assertThat(email.get("start").asInt()).as("code points before the e-mail, not UTF-16 units (13)").isEqualTo(11);
        assertThat(email.get("end").asInt()).isEqualTo(input.codePointCount(0, input.length())).isEqualTo(27);
        assertThat(codePointSlice(input, 11, 27)).isEqualTo(email.get("text").asText()).isEqualTo("john@example.com");
        assertThat(j.get("redacted_text").asText()).as("exactly the e-mail replaced")
                .isEqualTo("\uD83D\uDE42\uD83D\uDE42 Contact [EMAIL]");
        assertThat(content(body)).as("deterministic").isEqualTo(Json.compact(j));
    }

    @Test
    void piiSpansAfterAndAroundSupplementaryCharactersSliceTheInputByCodePoints() {
        // U+20000 (CJK extension B), U+1D400 (mathematical bold A) and an emoji: one code point, two UTF-16 units each.
        String input = "\uD840\uDC00 Sarah Jones \uD835\uDC00 wrote: mail sarah.j@example.com \uD83D\uDE00"
                + " or call +1 415-555-0100. \uD83D\uDE00 Tom";
        JsonNode j = SimHttp.json(content(SimHttp.chat(ModelCatalog.GLINER_PII, null, input, Map.of("usecase", "redact"))));

        List<String> texts = new ArrayList<>();
        StringBuilder expected = new StringBuilder();
        int at = 0;
        for (JsonNode e : j.get("entities")) {
            int start = e.get("start").asInt();
            int end = e.get("end").asInt();
            assertThat(codePointSlice(input, start, end)).isEqualTo(e.get("text").asText());
            texts.add(e.get("text").asText());
            expected.append(codePointSlice(input, at, start)).append('[')
                    .append(e.get("label").asText().toUpperCase().replace(' ', '_')).append(']');
            at = end;
        }
        expected.append(codePointSlice(input, at, input.codePointCount(0, input.length())));
        assertThat(texts).containsExactly("Sarah Jones", "sarah.j@example.com", "+1 415-555-0100", "Tom");
        assertThat(j.get("redacted_text").asText()).isEqualTo(expected.toString())
                .isEqualTo("\uD840\uDC00 [PERSON] \uD835\uDC00 wrote: mail [EMAIL] \uD83D\uDE00 or call [PHONE_NUMBER]."
                        + " \uD83D\uDE00 [PERSON]");
    }

    @Test
    void aCharMaskHasOneAsteriskPerCodePointOfTheSpan() {
        String input = "x a\uD835\uDC00b y"; // the span "a𝐀b": 3 code points, 4 UTF-16 units
        PiiDetector.Span span = new PiiDetector.Span("a\uD835\uDC00b", PiiDetector.PERSON, 2, 6, 0.9);

        assertThat(PiiAnswers.redact(input, List.of(span), "char")).isEqualTo("x *** y");
        assertThat(PiiAnswers.redact(input, List.of(span), "label")).isEqualTo("x [PERSON] y");
    }

    @Test
    void piiThresholdAndCategoriesFilter() {
        String input = "Write to anna.berg@example.com, or ask Anna. Phone 030 1234 5678.";
        JsonNode contact = SimHttp.json(content(SimHttp.chat(ModelCatalog.GLINER_PII, null, input,
                Map.of("categories", List.of("contact")))));
        assertThat(contact.get("entities")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.get("label").asText()).isIn("email", "phone number", "address"));
        JsonNode strict = SimHttp.json(content(SimHttp.chat(ModelCatalog.GLINER_PII, null, input, Map.of("threshold", 0.99))));
        assertThat(strict.get("entities")).isEmpty();
        JsonNode plain = SimHttp.json(content(SimHttp.body(ModelCatalog.GLINER_PII, input)));
        assertThat(plain.has("redacted_text")).isFalse();
    }

    @Test
    void gliner2NerSpansOccurInTheInput() {
        String input = "Alice Brown joined Google in Paris on March 3, 2024.";
        JsonNode j = SimHttp.json(content(SimHttp.chat(ModelCatalog.GLINER2, null, input,
                Map.of("labels", List.of("person", "organization", "location", "date", "product")))));
        JsonNode entities = j.get("entities");
        assertThat(ContractNames.of(entities)).containsExactly("person", "organization", "location", "date", "product");
        entities.forEach(spans -> spans.forEach(s -> assertThat(input).contains(s.asText())));
        assertThat(entities.get("person").toString()).contains("Alice Brown");
        assertThat(entities.get("organization").toString()).contains("Google");
        assertThat(entities.get("location").toString()).contains("Paris");
        JsonNode defaults = SimHttp.json(content(SimHttp.body(ModelCatalog.GLINER2, input))).get("entities");
        assertThat(ContractNames.of(defaults)).containsExactly("person", "organization", "location");
    }

    @Test
    void gliner2JsonAndClassification() {
        String input = "Order from Bob Miller at bob@shop.example, total $42.50, ship to Berlin.";
        JsonNode data = SimHttp.json(content(SimHttp.chat(ModelCatalog.GLINER2, null, input, Map.of("usecase", "json",
                "schema", Map.of("order", List.of("customer::str::who ordered", "email::str::", "total::float::price",
                        "city::str::destination", "coupon::str::discount code")))))).get("data");
        JsonNode order = data.get("order").get(0);
        assertThat(order.get("customer").asText()).isEqualTo("Bob Miller");
        assertThat(order.get("email").asText()).isEqualTo("bob@shop.example");
        assertThat(order.get("total").asDouble()).isEqualTo(42.5);
        assertThat(order.get("city").asText()).isEqualTo("Berlin");
        assertThat(order.get("coupon").isNull()).isTrue();
        JsonNode cls = SimHttp.json(content(SimHttp.chat(ModelCatalog.GLINER2, null, "I love this phone, great battery",
                Map.of("usecase", "classification", "schema", Map.of("sentiment", List.of("positive", "negative"),
                        "topic", List.of("phone", "food", "travel")))))).get("classification");
        assertThat(cls.get("sentiment").asText()).isIn("positive", "negative");
        assertThat(cls.get("topic").asText()).isEqualTo("phone");
    }

    @Test
    void debertaScoresExactlyTheGivenLabels() {
        JsonNode j = SimHttp.json(content(SimHttp.chat(ModelCatalog.DEBERTA, "[sports, politics, technology, cooking]",
                "The football team won the league final", null)));
        List<String> labels = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        j.fields().forEachRemaining(e -> {
            labels.add(e.getKey());
            scores.add(e.getValue().asDouble());
        });
        assertThat(labels).containsExactlyInAnyOrder("sports", "politics", "technology", "cooking");
        assertThat(labels.get(0)).isEqualTo("sports");
        assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(scores.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        assertThat(content(SimHttp.chat(ModelCatalog.DEBERTA, "[a, b]", "text", null))).matches("\\{(\"[ab]\":\\d\\.\\d{1,6},?){2}}");
    }

    @Test
    void debertaTakesTopLevelCategoriesAndRefusesMoreThanTenLabels() {
        String body = "{\"model\":\"deberta-v3-small\",\"categories\":[\"x\",\"y\"],\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        assertThat(ContractNames.of(SimHttp.json(content(body)))).containsExactlyInAnyOrder("x", "y");
        String eleven = java.util.stream.IntStream.range(0, 11).mapToObj(i -> "l" + i).collect(Collectors.joining(", ", "[", "]"));
        HttpResponse<String> r = http.post(SimHttp.chat(ModelCatalog.DEBERTA, eleven, "hello", null));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(SimHttp.json(r.body()).at("/error/message").asText()).contains("at most 10");
    }

    @Test
    void textModelsAnswerPlainText() {
        String summary = content(SimHttp.body(ModelCatalog.LLAMA,
                "The central bank raised rates again. Markets fell sharply. Analysts expect more hikes."));
        assertThat(summary).startsWith("The central bank raised rates again.").doesNotStartWith("{");
        String upper = content(SimHttp.chat(ModelCatalog.LFM_INSTRUCT, "Answer in uppercase.", "tell me about tea", null));
        assertThat(upper).isEqualTo(upper.toUpperCase()).contains("TEA");
        String oneWord = content(SimHttp.chat(ModelCatalog.LFM_INSTRUCT, "Reply with one word.", "favourite fruit: mango", null));
        assertThat(oneWord).doesNotContain(" ");
    }

    @Test
    void thinkingModelShowsReasoningWithAndWithoutTags() {
        Set<String> shapes = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String c = content(SimHttp.body(ModelCatalog.LFM_THINKING, "Question number " + i + ": why is the sea salty?"));
            assertThat(c).contains("sea");
            shapes.add(c.startsWith("<think>") ? "tagged" : c.contains("</think>") ? "closing-only" : "untagged");
        }
        assertThat(shapes).contains("tagged", "untagged");
    }

    private static Set<String> names(IabTaxonomy t) {
        return t.categories().stream().map(IabTaxonomy.Category::name).collect(Collectors.toSet());
    }

    /** Field names of a JSON object, in order. */
    static final class ContractNames {
        static List<String> of(JsonNode n) {
            return SimulatorContractTest.fieldNames(n);
        }
    }
}
