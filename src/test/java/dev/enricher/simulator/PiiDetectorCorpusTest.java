package dev.enricher.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.client.ChatMessage;
import dev.enricher.client.ModelCatalog;
import dev.enricher.tools.SampleCorpus;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PII model finds every name, e-mail and phone number the sample corpus inserts ({@link
 * SampleCorpus.SampleEvent#personalData()}), as whole spans with code-point offsets, and its redaction leaves none.
 */
class PiiDetectorCorpusTest {
    private static final int EVENTS = 2_000;

    private final PiiAnswers pii = new PiiAnswers();

    @Test
    void everyPersonalValueOfTheSampleCorpusIsCoveredByASpanAndRedacted() {
        SampleCorpus corpus = SampleCorpus.load();
        int values = 0;
        int afterSupplementary = 0;
        int longArticles = 0;
        for (long n = 1; n <= EVENTS; n++) {
            SampleCorpus.SampleEvent e = corpus.event(n, 42);
            String text = e.text();
            JsonNode answer = redact(text);
            List<JsonNode> entities = new ArrayList<>();
            answer.get("entities").forEach(entities::add);
            for (JsonNode entity : entities) {
                assertThat(codePointSlice(text, entity.get("start").asInt(), entity.get("end").asInt()))
                        .as("%s: entity %s", e.id(), entity).isEqualTo(entity.get("text").asText());
            }
            for (String value : e.personalData()) {
                String label = label(value);
                int at = text.indexOf(value);
                assertThat(at).as("%s: %s is in the text", e.id(), value).isNotNegative();
                for (; at >= 0; at = text.indexOf(value, at + 1)) {
                    int start = text.codePointCount(0, at);
                    int end = start + value.codePointCount(0, value.length());
                    if (start != at) {
                        afterSupplementary++;
                    }
                    values++;
                    String around = text.substring(Math.max(0, at - 80), Math.min(text.length(), at + value.length() + 80));
                    assertThat(entities).as("%s: %s at code points [%d, %d) in ...%s...", e.id(), value, start, end, around)
                            .anySatisfy(s -> {
                                assertThat(s.get("label").asText()).isEqualTo(label);
                                assertThat(s.get("start").asInt()).isLessThanOrEqualTo(start);
                                assertThat(s.get("end").asInt()).isGreaterThanOrEqualTo(end);
                            });
                }
                assertThat(answer.get("redacted_text").asText()).as("%s: redacted", e.id()).doesNotContain(value);
            }
            if (e.source().equals("long_article")) {
                longArticles++;
            }
        }
        assertThat(values).isGreaterThan(EVENTS);
        assertThat(longArticles).as("long articles checked").isGreaterThan(EVENTS / 20);
        assertThat(afterSupplementary).as("values after emoji, where code points and UTF-16 units differ")
                .isGreaterThan(10);
    }

    @Test
    void namesAtSentenceStartsWithPossessivesAndPunctuationAreWholeSpans() {
        String text = "\uD83D\uDE00 Zara's guide. Tomás Nguyen wrote (Kenji Tanaka); reach Novak at"
                + " zara.okafor@example.org/555-0142 or Tel. (212) 555-0100. Maria's desk, Chloe Dubois.";
        JsonNode answer = redact(text);
        List<String> texts = new ArrayList<>();
        answer.get("entities").forEach(s -> texts.add(s.get("label").asText() + ":" + s.get("text").asText()));
        assertThat(texts).containsExactly("person:Zara", "person:Tomás Nguyen", "person:Kenji Tanaka", "person:Novak",
                "email:zara.okafor@example.org", "phone number:555-0142", "phone number:(212) 555-0100",
                "person:Maria", "person:Chloe Dubois");
        assertThat(answer.get("redacted_text").asText()).isEqualTo("\uD83D\uDE00 [PERSON]'s guide. [PERSON] wrote"
                + " ([PERSON]); reach [PERSON] at [EMAIL]/[PHONE_NUMBER] or Tel. [PHONE_NUMBER]. [PERSON]'s desk,"
                + " [PERSON].");
    }

    private JsonNode redact(String text) {
        ObjectNode metadata = Json.object().put("usecase", "redact");
        ObjectNode root = Json.object().put("model", ModelCatalog.GLINER_PII);
        ChatInput input = new ChatInput(ModelCatalog.GLINER_PII, List.of(ChatMessage.user(text)), metadata, root);
        try {
            return Json.MAPPER.readTree(pii.answer(input));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String label(String value) {
        if (value.contains("@")) {
            return PiiDetector.EMAIL;
        }
        return value.chars().anyMatch(Character::isDigit) ? PiiDetector.PHONE : PiiDetector.PERSON;
    }

    /** Python's {@code text[start:end]}: the API's offsets count code points. */
    private static String codePointSlice(String text, int start, int end) {
        return text.substring(text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end));
    }
}
