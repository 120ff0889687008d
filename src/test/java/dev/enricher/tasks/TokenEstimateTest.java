package dev.enricher.tasks;

import dev.enricher.client.ChatRequest;
import dev.enricher.client.ChatWire;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TokenEstimateTest {
    private static final List<String> TEXTS = List.of("Best hiking trails in Colorado.",
            "Jane Doe, reach me at jane@example.com or +1 555 0100.", "Café crème, naïve façade.",
            "東京で会議があります。明日は雨です。", "Party time 😀😀🎉 with 𝐀𝐁𝐂 letters!", "x",
            "A longer text. ".repeat(200));

    @Test
    void countsLatinTextCloseToATokenizerAndOtherScriptsByTheirBytes() {
        assertThat(TokenEstimate.of("")).isZero();
        assertThat(TokenEstimate.of("abc")).as("a short word: one token").isEqualTo(1);
        assertThat(TokenEstimate.of("hiking")).as("3 letters per token").isEqualTo(2);
        assertThat(TokenEstimate.of("Best hiking trails in Colorado.")).as("2 + 2 + 2 + 1 + 3 + the full stop")
                .isEqualTo(11);
        assertThat(TokenEstimate.of("Call 555-0100!")).as("a word, then a token per digit and punctuation")
                .isEqualTo(2 + 8 + 1);
        assertThat(TokenEstimate.of("é")).isEqualTo(2);
        assertThat(TokenEstimate.of("中")).isEqualTo(3);
        assertThat(TokenEstimate.of("😀")).isEqualTo(4);
        assertThat(TokenEstimate.of("\uD83D")).as("a lone surrogate").isEqualTo(3);
        assertThat(TokenEstimate.of("          ")).as("a run of spaces: the floor of a token per 4 characters")
                .isEqualTo(3);
        Random random = new Random(42);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            int cp = 0x80 + random.nextInt(Character.MAX_CODE_POINT + 1 - 0x80);
            if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
                s.appendCodePoint(cp);
            }
        }
        assertThat(TokenEstimate.of(s.toString())).as("outside ASCII: one token per UTF-8 byte")
                .isEqualTo(s.toString().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void englishProseCountsAboutHalfItsBytesAndNeverLessThanAQuarterOfItsCharacters() {
        BenchLikeProse prose = new BenchLikeProse();
        for (String text : prose.texts()) {
            int bytes = text.getBytes(StandardCharsets.UTF_8).length;
            assertThat(TokenEstimate.of(text)).as(text)
                    .isGreaterThanOrEqualTo((text.length() + 3) / 4)
                    .isLessThanOrEqualTo(bytes * 6 / 10);
        }
    }

    @Test
    void stretchesAddUpToAtLeastTheWhole() {
        Random random = new Random(7);
        String alphabet = "abcXYZ019 .,;\n\té中😀";
        for (int round = 0; round < 2_000; round++) {
            StringBuilder b = new StringBuilder();
            int n = 1 + random.nextInt(60);
            for (int i = 0; i < n; i++) {
                int k = random.nextInt(alphabet.length());
                b.append(alphabet.charAt(k));
            }
            String t = b.toString();
            int cut = random.nextInt(t.length() + 1);
            assertThat(TokenEstimate.count(t, 0, cut) + TokenEstimate.count(t, cut, t.length())).as("'%s' cut at %d", t, cut)
                    .isGreaterThanOrEqualTo(TokenEstimate.count(t, 0, t.length()));
        }
    }

    /** English sentences of the kind the benchmarks and the demo send. */
    private static final class BenchLikeProse {
        List<String> texts() {
            return List.of("Best hiking trails in Colorado for beginners, with maps and tips on the weather.",
                    "The central bank raised interest rates by a quarter point on Tuesday, citing persistent inflation "
                            + "in services and a labour market that remains tight.",
                    "Our new laptop ships with a faster processor, a brighter display and a battery that lasts all day.",
                    "A longer text. ".repeat(200));
        }
    }

    @Test
    void requestCountsMessagesOverheadAndFields() {
        ChatRequest plain = ChatRequest.builder("m").user("abc").build();
        assertThat(TokenEstimate.of(plain)).isEqualTo(1 + TokenEstimate.PER_MESSAGE);
        ChatRequest full = ChatRequest.builder("m").system("[a, b]").user("abc")
                .metadata("labels", List.of("person", "é")).field("categories", Map.of("k", true)).build();
        int metadata = 1 + 2 + (1 + 2) + (1 + 2);
        int extra = 1 + 4 + (1 + 1 + 2);
        assertThat(TokenEstimate.of(full)).isEqualTo(5 + 1 + 2 * TokenEstimate.PER_MESSAGE + metadata + extra);
    }

    @Test
    void neverBelowTheSimulatorsCount() throws Exception {
        List<EnrichmentTask> tasks = List.of(new IabTask(), new IabEnrichedTask(),
                new ZeroShotTask(List.of("sports", "politics", "tech")), new PiiTask(),
                new PiiTask("redacted", null, PiiUsecase.REDACT, "label", 0.7, List.of("identity", "contact")),
                new GlinerNerTask(List.of("person", "organization")),
                new GlinerJsonTask(Map.of("product", List.of("name::str::the product name", "price::str"))),
                new GlinerClassificationTask(Map.of("sentiment", List.of("positive", "negative"))),
                new TextGenerationTask(), new FollowupQuestionsTask());
        ChatWire wire = new ChatWire();
        for (EnrichmentTask task : tasks) {
            for (String text : TEXTS) {
                ChatRequest request = task.request(text);
                int estimate = TokenEstimate.of(request);
                assertThat(estimate).as(task.name()).isGreaterThanOrEqualTo(simulatorPromptTokens(wire.requestBody(request)));
                int quarterChars = request.messages().stream().mapToInt(m -> (m.content().length() + 3) / 4).sum();
                assertThat(estimate).isGreaterThanOrEqualTo(quarterChars).isGreaterThan(TokenEstimate.of(text));
            }
        }
    }

    /** What the simulator counts for a request body: {@code RequestParser.parse(body).promptTokens()}. */
    private static int simulatorPromptTokens(byte[] body) throws Exception {
        Class<?> parser = Class.forName("dev.enricher.simulator.RequestParser");
        Method parse = parser.getDeclaredMethod("parse", byte[].class);
        parse.setAccessible(true);
        Object input = parse.invoke(null, (Object) body);
        Method promptTokens = input.getClass().getDeclaredMethod("promptTokens");
        promptTokens.setAccessible(true);
        return (int) promptTokens.invoke(input);
    }
}
