package dev.enricher.tasks;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PieceMergeTest {
    private static final String TEXT = "Some text of three pieces.";
    private static final List<TextPiece> PIECES = List.of(piece(0, TEXT, 0, 10), piece(1, TEXT, 5, 20),
            piece(2, TEXT, 15, 26));

    private static TextPiece piece(int index, String text, int start, int end) {
        return new TextPiece(index, start, end, CodePointSpans.slice(text, start, end));
    }

    private static ScoredLabel s(String name, double score) {
        return new ScoredLabel(name, score);
    }

    private static TaskResult merge(TaskResult... results) {
        return PieceMerge.merge(List.of(results), PIECES.subList(0, results.length), TEXT);
    }

    @Test
    void iabKeepsEachNameOnceWithItsHighestScoreAndAsManyAsOnePieceHolds() {
        IabResult merged = (IabResult) merge(
                new IabResult(List.of(s("Travelers", 0.5), s("Hikers", 0.4)), List.of(s("Travel", 0.9)), List.of()),
                new IabResult(List.of(s("Hikers", 0.8)), List.of(s("Sports", 0.3), s("Travel", 0.2)),
                        List.of(s("Hiking", 0.7))),
                new IabResult(List.of(s("Campers", 0.5)), List.of(), List.of(s("Camping", 0.7))));
        assertThat(merged.audience()).as("the model's top 2, over the whole text")
                .containsExactly(s("Hikers", 0.8), s("Travelers", 0.5));
        assertThat(merged.iab10()).containsExactly(s("Travel", 0.9), s("Sports", 0.3));
        assertThat(merged.iab22()).containsExactly(s("Hiking", 0.7));
    }

    @Test
    void iabEnrichedKeepsTheWinningItemsWhole() {
        var a1 = new IabEnrichedResult.Audience("7", null, "Hikers", "Hobbies", null, null, 0.4);
        var a2 = new IabEnrichedResult.Audience("7", "1", "Hikers", "Hobbies", "Outdoor", null, 0.9);
        var a3 = new IabEnrichedResult.Audience(null, null, "Campers", "Hobbies", null, null, 0.5);
        var c1 = new IabEnrichedResult.Category("IAB20", "Travel", 1, null, 0.6);
        var c2 = new IabEnrichedResult.Category("IAB20", "Travel", null, null, 0.3);
        var c3 = new IabEnrichedResult.Category("IAB17", "Sports", 1, null, 0.8);
        var i1 = new IabEnrichedResult.UserIntent("research", "informational", 0.6);
        var i2 = new IabEnrichedResult.UserIntent("purchase", "commercial", 0.7);
        IabEnrichedResult merged = (IabEnrichedResult) merge(
                new IabEnrichedResult(List.of(a1), List.of(c1), List.of(s("trails", 0.5)), List.of("hike", "trail"), i1),
                new IabEnrichedResult(List.of(a3, a2), List.of(c2, c3), List.of(s("trails", 0.6), s("gear", 0.6)),
                        List.of("gear", "hike"), null),
                new IabEnrichedResult(List.of(), List.of(), null, null, i2));
        assertThat(merged.audience()).containsExactly(a2, a3);
        assertThat(merged.iab10()).containsExactly(c3, c1);
        assertThat(merged.topics()).containsExactly(s("trails", 0.6), s("gear", 0.6));
        assertThat(merged.keywords()).containsExactly("hike", "trail", "gear");
        assertThat(merged.userIntent()).isEqualTo(i2);
        IabEnrichedResult none = (IabEnrichedResult) merge(
                new IabEnrichedResult(List.of(), List.of(), null, null, null),
                new IabEnrichedResult(List.of(), List.of(), null, null, null));
        assertThat(none.userIntent()).isNull();
    }

    @Test
    void zeroShotTakesEachLabelsHighestScore() {
        ZeroShotResult merged = (ZeroShotResult) merge(
                new ZeroShotResult(List.of(s("sports", 0.7), s("tech", 0.2), s("politics", 0.1))),
                new ZeroShotResult(List.of(s("tech", 0.8), s("sports", 0.1), s("politics", 0.1))));
        assertThat(merged.labels()).containsExactly(s("tech", 0.8), s("sports", 0.7), s("politics", 0.1));
    }

    @Test
    void classificationTakesTheMajorityEarliestOnATie() {
        ClassificationResult merged = (ClassificationResult) merge(
                new ClassificationResult(Map.of("sentiment", "positive")),
                new ClassificationResult(ordered("sentiment", "negative", "topic", "news")),
                new ClassificationResult(ordered("topic", "sport", "sentiment", "negative")));
        assertThat(merged.classification()).containsExactly(Map.entry("sentiment", "negative"),
                Map.entry("topic", "news"));
    }

    @Test
    void entitiesAreTheUnionPerLabel() {
        EntitiesResult merged = (EntitiesResult) merge(
                new EntitiesResult(ordered("person", List.of("Ann", "Bob"), "city", List.of())),
                new EntitiesResult(ordered("person", List.of("Bob", "Cy"), "org", List.of("Acme"))),
                new EntitiesResult(Map.of("city", List.of("Oslo", "Oslo"))));
        assertThat(merged.entities()).containsExactly(Map.entry("person", List.of("Ann", "Bob", "Cy")),
                Map.entry("city", List.of("Oslo")), Map.entry("org", List.of("Acme")));
    }

    @Test
    void extractionKeepsEveryPiecesRowsOnce() {
        Map<String, Object> x1 = row("name", "X1", "price", null);
        Map<String, Object> x2 = row("name", "X2", "price", "$20");
        ExtractionResult merged = (ExtractionResult) merge(
                new ExtractionResult(Map.of("product", List.of(x1))),
                new ExtractionResult(ordered("product", List.of(row("name", "X1", "price", null), x2),
                        "shop", List.of(row("name", "Acme")))));
        assertThat(merged.data()).containsExactly(Map.entry("product", List.of(x1, x2)),
                Map.entry("shop", List.of(row("name", "Acme"))));
    }

    @Test
    void piiIsShiftedDeduplicatedAndRedactedAgainstTheWholeText() {
        String text = "😀 Ann Lee met Bob Ray. Bob Ray called 555-0100 and Ann Lee.";
        TextPiece p0 = piece(0, text, 0, 26);
        TextPiece p1 = piece(1, text, 14, 59);
        assertThat(p0.text()).endsWith("Bob");
        assertThat(p1.text()).startsWith("Bob Ray. Bob Ray");
        PiiResult r0 = new PiiResult(List.of(new PiiEntity("Ann Lee", "person", 2, 9, 0.9),
                new PiiEntity("Bob Ray", "person", 14, 21, 0.8), new PiiEntity("Bob", "person", 23, 26, 0.6)),
                Map.of(), "😀 [PERSON] met [PERSON]. [PERSON]");
        PiiResult r1 = new PiiResult(List.of(new PiiEntity("Bob Ray", "person", 0, 7, 0.95),
                new PiiEntity("Bob Ray", "person", 9, 16, 0.85),
                new PiiEntity("555-0100", "phone number", 24, 32, 0.99),
                new PiiEntity("Ann Lee", "person", 37, 44, 0.7)), Map.of(), "...");
        PiiResult merged = (PiiResult) PieceMerge.merge(List.of(r0, r1), List.of(p0, p1), text);
        assertThat(merged.entities()).containsExactly(new PiiEntity("Ann Lee", "person", 2, 9, 0.9),
                new PiiEntity("Bob Ray", "person", 14, 21, 0.95), new PiiEntity("Bob Ray", "person", 23, 30, 0.85),
                new PiiEntity("555-0100", "phone number", 38, 46, 0.99),
                new PiiEntity("Ann Lee", "person", 51, 58, 0.7));
        assertThat(merged.entitiesByLabel()).containsExactly(
                Map.entry("person", List.of("Ann Lee", "Bob Ray", "Bob Ray", "Ann Lee")),
                Map.entry("phone number", List.of("555-0100")));
        assertThat(merged.redactedText())
                .isEqualTo("😀 [PERSON] met [PERSON]. [PERSON] called [PHONE_NUMBER] and [PERSON].");
        for (PiiEntity e : merged.entities()) {
            assertThat(CodePointSpans.slice(text, e.start(), e.end())).isEqualTo(e.text());
        }

        PiiResult plain = (PiiResult) PieceMerge.merge(List.of(withoutRedacted(r0), withoutRedacted(r1)),
                List.of(p0, p1), text);
        assertThat(plain.redactedText()).isNull();
        assertThat(plain.entities()).isEqualTo(merged.entities());
    }

    @Test
    void piiOverlappingSpansOfOtherLabelsAreRedactedOnce() {
        String text = "東京 call 555-0100 now, 😀 ok";
        TextPiece p0 = piece(0, text, 0, 12);
        TextPiece p1 = piece(1, text, 8, CodePointSpans.length(text));
        PiiResult r0 = new PiiResult(List.of(new PiiEntity("東京", "location", 0, 2, 0.8)), Map.of(), "[LOCATION]...");
        PiiResult r1 = new PiiResult(List.of(new PiiEntity("555-0100", "phone number", 0, 8, 0.9),
                new PiiEntity("0100", "account id", 4, 8, 0.6)), Map.of(), "...");
        PiiResult merged = (PiiResult) PieceMerge.merge(List.of(r0, r1), List.of(p0, p1), text);
        assertThat(merged.entities()).extracting(PiiEntity::start).containsExactly(0, 8, 12);
        assertThat(merged.redactedText()).isEqualTo("[LOCATION] call [PHONE_NUMBER] now, 😀 ok");
    }

    @Test
    void piiFromSplitPiecesMatchesTheWholeText() {
        String sentence = "😀 Jane Doe wrote to 東京 office. Ask Jane Doe! ";
        String text = sentence.repeat(40);
        List<TextPiece> pieces = TextPieces.split(text, 120, 40);
        assertThat(pieces.size()).isGreaterThan(5);
        List<TaskResult> results = new ArrayList<>();
        for (TextPiece p : pieces) {
            results.add(new PiiResult(find(p.text(), "Jane Doe"), Map.of(), null));
        }
        PiiResult merged = (PiiResult) PieceMerge.merge(results, pieces, text);
        assertThat(merged.entities()).isEqualTo(find(text, "Jane Doe"));
        assertThat(merged.entities()).hasSize(80);
    }

    @Test
    void piiOffsetsNotMatchingTheWholeTextAreRefused() {
        String text = "😀 Ann Lee met Bob Ray. Bob Ray called.";
        PiiResult r1 = new PiiResult(List.of(new PiiEntity("Bob Ray", "person", 1, 8, 0.9)), Map.of(), null);
        List<TaskResult> results = List.of(new PiiResult(List.of(), Map.of(), null), r1);
        assertThatThrownBy(() -> PieceMerge.merge(results, List.of(piece(0, text, 0, 23), piece(1, text, 14, 38)),
                text)).isInstanceOf(ContentShapeException.class).hasMessageContaining("$.entities[0]");
    }

    @Test
    void onePieceIsItsResultUnchanged() {
        IabResult r = new IabResult(List.of(s("b", 0.1), s("a", 0.9)), List.of(), List.of());
        assertThat(PieceMerge.merge(List.of(r), List.of(piece(0, TEXT, 0, 26)), TEXT)).isSameAs(r);
        PiiResult pii = new PiiResult(List.of(new PiiEntity("text", "thing", 5, 9, 0.5)), Map.of(), null);
        assertThat(PieceMerge.merge(List.of(pii), List.of(piece(0, TEXT, 0, 26)), TEXT)).isSameAs(pii);
    }

    @Test
    void otherResultsDoNotMerge() {
        assertThat(PieceMerge.supports(PiiResult.class)).isTrue();
        assertThat(PieceMerge.supports(ClassificationResult.class)).isTrue();
        assertThat(PieceMerge.supports(TextResult.class)).isFalse();
        assertThat(PieceMerge.supports(FollowupQuestionsResult.class)).isFalse();
        assertThat(PieceMerge.supports(ThinkingResult.class)).isFalse();
        assertThat(PieceMerge.supports(PromptTask.StructuredResult.class)).isFalse();
        assertThatThrownBy(() -> merge(new TextResult("a", "stop", false), new TextResult("b", "stop", false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(TextResult.class.getName());
        assertThatThrownBy(() -> merge(new FollowupQuestionsResult(List.of("q?"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(FollowupQuestionsResult.class.getName());
        assertThatThrownBy(() -> merge(new ZeroShotResult(List.of(s("a", 1))), new EntitiesResult(Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one class");
        assertThatThrownBy(() -> PieceMerge.merge(List.of(new EntitiesResult(Map.of())), PIECES, TEXT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 results for 3 pieces");
    }

    /** Every occurrence of {@code name} in {@code text}, with code point offsets. */
    private static List<PiiEntity> find(String text, String name) {
        List<PiiEntity> out = new ArrayList<>();
        for (int i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
            int start = text.codePointCount(0, i);
            out.add(new PiiEntity(name, "person", start, start + CodePointSpans.length(name), 0.9));
        }
        return out;
    }

    private static PiiResult withoutRedacted(PiiResult r) {
        return new PiiResult(r.entities(), r.entitiesByLabel(), null);
    }

    private static <V> Map<String, V> ordered(Object... keysAndValues) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            @SuppressWarnings("unchecked") V v = (V) keysAndValues[i + 1];
            m.put((String) keysAndValues[i], v);
        }
        return m;
    }

    private static Map<String, Object> row(Object... keysAndValues) {
        return ordered(keysAndValues);
    }
}
