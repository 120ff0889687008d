package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PiiTaskTest {
    private static final String EXTRACTED = "{\"entities\":[{\"text\":\"Jane Doe\",\"label\":\"person\",\"start\":0,"
            + "\"end\":8,\"score\":0.98},{\"text\":\"jane@example.com\",\"label\":\"email\",\"start\":20,\"end\":36,"
            + "\"score\":0.95}],\"entities_by_label\":{\"person\":[\"Jane Doe\"],\"email\":[\"jane@example.com\"]}}";

    @Test
    void defaultRequestSendsUsecaseAndThresholdInMetadata() {
        PiiTask task = new PiiTask();
        assertThat(task.name()).isEqualTo("pii");
        assertThat(task.model()).isEqualTo("gliner-multi-pii-v1");
        ChatRequest r = task.request("Jane Doe, reach me at jane@example.com");
        assertThat(r.messages()).containsExactly(ChatMessage.user("Jane Doe, reach me at jane@example.com"));
        assertThat(r.metadata()).containsExactly(Map.entry("usecase", "extract-pii"), Map.entry("threshold", 0.5));
        assertThat(r.extraFields()).isEmpty();
    }

    @Test
    void everyOptionGoesInMetadata() {
        PiiTask task = new PiiTask("redacted", null, PiiUsecase.REDACT, "label", 0.7, List.of("identity", "contact"));
        ChatRequest r = task.request("text");
        assertThat(r.metadata()).containsExactly(Map.entry("usecase", "redact"), Map.entry("threshold", 0.7),
                Map.entry("mask", "label"), Map.entry("categories", List.of("identity", "contact")));
        assertThat(r.extraFields()).isEmpty();
    }

    @Test
    void rejectsBadOptions() {
        assertThatThrownBy(() -> new PiiTask(null, null, null, null, 1.5, null))
                .hasMessage("threshold must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> new PiiTask(null, null, null, " ", 0.5, null)).hasMessageContaining("mask");
    }

    @Test
    void parsesEntities() {
        PiiResult r = new PiiTask().parse(Completions.of(EXTRACTED));
        assertThat(r.entities()).containsExactly(new PiiEntity("Jane Doe", "person", 0, 8, 0.98),
                new PiiEntity("jane@example.com", "email", 20, 36, 0.95));
        assertThat(r.entitiesByLabel()).containsExactly(Map.entry("person", List.of("Jane Doe")),
                Map.entry("email", List.of("jane@example.com")));
        assertThat(r.redactedText()).isNull();
    }

    @Test
    void derivesEntitiesByLabelWhenAbsent() {
        PiiResult r = new PiiTask().parse(Completions.of("{\"entities\":[{\"text\":\"Jane\",\"label\":\"person\","
                + "\"start\":0,\"end\":4,\"score\":0.9},{\"text\":\"Joe\",\"label\":\"person\",\"start\":9,\"end\":12,"
                + "\"score\":0.8}]}"));
        assertThat(r.entitiesByLabel()).containsExactly(Map.entry("person", List.of("Jane", "Joe")));
    }

    @Test
    void noEntitiesIsValid() {
        PiiResult r = new PiiTask().parse(Completions.of("{\"entities\":[],\"entities_by_label\":{}}"));
        assertThat(r.entities()).isEmpty();
        assertThat(r.entitiesByLabel()).isEmpty();
    }

    @Test
    void redactKeepsTheRedactedText() {
        PiiTask task = new PiiTask(null, null, PiiUsecase.REDACT, "label", 0.5, null);
        PiiResult r = task.parse(Completions.of("{\"entities\":[{\"text\":\"Jane Doe\",\"label\":\"person\",\"start\":0,"
                + "\"end\":8,\"score\":0.98},{\"text\":\"555-0100\",\"label\":\"phone number\",\"start\":18,\"end\":26,"
                + "\"score\":0.9}],\"entities_by_label\":{\"person\":[\"Jane Doe\"],\"phone number\":[\"555-0100\"]},"
                + "\"redacted_text\":\"[PERSON] call me: [PHONE_NUMBER]\"}"));
        assertThat(r.redactedText()).isEqualTo("[PERSON] call me: [PHONE_NUMBER]");
        assertThat(r.entities()).extracting(PiiEntity::label).containsExactly("person", "phone number");
    }

    @Test
    void onlyTheRedactUsecaseRedactsTheEventText() {
        PiiResult r = new PiiResult(List.of(), Map.of(), "[PERSON] called");
        assertThat(TaskType.PII.redacts(new PiiTask(null, null, PiiUsecase.REDACT, null, 0.5, null))).isTrue();
        assertThat(TaskType.PII.redacts(new PiiTask())).isFalse();
        assertThat(TaskType.PII.redactedText(r)).isEqualTo("[PERSON] called");
    }

    @Test
    void redactWithoutRedactedTextIsUnparseable() {
        PiiTask task = new PiiTask(null, null, PiiUsecase.REDACT, null, 0.5, null);
        assertThat(Completions.unparseable(task, "{\"entities\":[]}"))
                .isEqualTo("expected field 'redacted_text' at $, found none");
    }

    // ---------------------------------------------------------------- offsets against the input (code points)

    /** An answer with one entity. */
    private static String oneEntity(String text, String label, int start, int end) {
        return "{\"entities\":[{\"text\":\"" + text + "\",\"label\":\"" + label + "\",\"start\":" + start
                + ",\"end\":" + end + ",\"score\":0.9}]}";
    }

    /** Python's {@code text[start:end]} in Java: what the schema's doc tells Java consumers to do. */
    private static String slice(String text, int start, int end) {
        return text.substring(text.offsetByCodePoints(0, start), text.offsetByCodePoints(0, end));
    }

    @Test
    void codePointOffsetsAfterEmojiAreAcceptedAndKeptAsGiven() {
        String input = "\uD83D\uDE42\uD83D\uDE42 Contact john@example.com"; // two emoji: 2 code points, 4 UTF-16 units
        PiiResult r = new PiiTask().parse(Completions.of(oneEntity("john@example.com", "email", 11, 27)), input);

        PiiEntity e = r.entities().get(0);
        assertThat(e.start()).isEqualTo(11).isNotEqualTo(input.indexOf("john"));
        assertThat(e.end()).as("a span at the very end").isEqualTo(input.codePointCount(0, input.length()));
        assertThat(slice(input, e.start(), e.end())).isEqualTo("john@example.com");
    }

    @Test
    void supplementaryCharactersBetweenAndInsideSpansCountOnceEach() {
        // U+20000 (CJK extension B) and U+1D400 (mathematical bold A): one code point each, two UTF-16 units each.
        String input = "\uD840\uDC00 Anna \uD835\uDC00\uD835\uDC00 Bob \uD835\uDC00 bob@example.com!";
        String answer = "{\"entities\":[{\"text\":\"Anna\",\"label\":\"person\",\"start\":2,\"end\":6,\"score\":0.9},"
                + "{\"text\":\"\uD835\uDC00 Bob\",\"label\":\"person\",\"start\":8,\"end\":13,\"score\":0.8},"
                + "{\"text\":\"bob@example.com\",\"label\":\"email\",\"start\":16,\"end\":31,\"score\":0.9}]}";
        PiiResult r = new PiiTask().parse(Completions.of(answer), input);

        assertThat(r.entities()).allSatisfy(e -> assertThat(slice(input, e.start(), e.end())).isEqualTo(e.text()));
        assertThat(r.entities()).extracting(PiiEntity::start).containsExactly(2, 8, 16);
    }

    @Test
    void pureBmpTextKeepsItsOffsetsUnchanged() {
        String input = "Jane Doe, email me: jane@example.com";
        PiiResult r = new PiiTask().parse(Completions.of(EXTRACTED), input);

        assertThat(r).isEqualTo(new PiiTask().parse(Completions.of(EXTRACTED)));
        assertThat(r.entities()).allSatisfy(e -> assertThat(input.substring(e.start(), e.end())).isEqualTo(e.text()));
        assertThat(r.entities().get(1).end()).as("a span at the very end").isEqualTo(input.length());
    }

    @Test
    void utf16OffsetsAfterEmojiAreRefusedAndTheReasonNamesTheUnit() {
        String input = "\uD83D\uDE42\uD83D\uDE42 Contact john@example.com today";
        int utf16Start = input.indexOf("john");

        String reason = Completions.unparseable(new PiiTask(),
                oneEntity("john@example.com", "email", utf16Start, utf16Start + 16), input);

        assertThat(reason).isEqualTo("expected $.entities[0].text to be the input between code points 13 and 29"
                + " (offsets count Unicode code points), found other text; it is the input between UTF-16 units 13"
                + " and 29: the server counts UTF-16 units, not code points");
    }

    @Test
    void aSpanThatIsNotTheInputThereIsRefusedWithoutQuotingEither() {
        String input = "Jane Doe, email me: jane@example.com";

        String reason = Completions.unparseable(new PiiTask(), oneEntity("Jane Doe", "person", 1, 9), input);

        assertThat(reason).isEqualTo("expected $.entities[0].text to be the input between code points 1 and 9"
                + " (offsets count Unicode code points), found other text").doesNotContain("Jane");
    }

    @Test
    void offsetsPastTheEndOfTheInputAreRefusedNotSliced() {
        String input = "\uD83D\uDE42 call Joe";

        assertThat(Completions.unparseable(new PiiTask(), oneEntity("Joe", "person", 500, 503), input))
                .isEqualTo("expected offsets within the input's 10 code points at $.entities[0], found end 503");
        // UTF-16 offsets of a span at the very end overshoot the code point length by one per emoji before it.
        assertThat(Completions.unparseable(new PiiTask(), oneEntity("Joe", "person", 8, 11), input))
                .isEqualTo("expected offsets within the input's 10 code points at $.entities[0], found end 11");
        assertThat(new PiiTask().parse(Completions.of(oneEntity("Joe", "person", 7, 10)), input).entities())
                .extracting(PiiEntity::end).containsExactly(10);
    }

    @Test
    void offsetsAreCheckedNotRecomputed() {
        PiiTask task = new PiiTask();
        // Parsed without the input, offsets past its length cannot be seen and are kept; the engine parses with it.
        assertThat(task.parse(Completions.of("{\"entities\":[{\"text\":\"x\",\"label\":\"id\",\"start\":500,\"end\":501,"
                + "\"score\":0.6}]}")).entities().get(0).start()).isEqualTo(500);
        assertThat(Completions.unparseable(task, "{\"entities\":[{\"text\":\"Jane\",\"label\":\"person\",\"start\":9,"
                + "\"end\":4,\"score\":0.9}]}"))
                .isEqualTo("expected offsets with 0 <= start <= end at $.entities[0], found start after end");
        assertThat(Completions.unparseable(task, "{\"entities\":[{\"text\":\"Jane\",\"label\":\"person\",\"start\":-1,"
                + "\"end\":4,\"score\":0.9}]}")).contains("found start negative");
        assertThatThrownBy(() -> new PiiEntity("x", "person", 5, 4, 0.5))
                .hasMessage("entity offsets must satisfy 0 <= start <= end, were start=5 end=4");
    }

    @Test
    void unparseable() {
        PiiTask task = new PiiTask();
        assertThat(Completions.unparseable(task, "Jane Doe (person)")).contains("invalid JSON");
        assertThat(Completions.unparseable(task, "{\"entities_by_label\":{}}"))
                .isEqualTo("expected field 'entities' at $, found none");
        assertThat(Completions.unparseable(task, "{\"entities\":[{\"text\":\"Jane\",\"label\":\"person\","
                + "\"start\":0.5,\"end\":4,\"score\":0.9}]}")).isEqualTo("expected an integer at $.entities[0].start,"
                + " found a decimal number");
        assertThat(Completions.unparseable(task, "{\"entities\":[],\"entities_by_label\":{\"person\":\"Jane\"}}"))
                .isEqualTo("expected an array at $.entities_by_label.<key 0>, found a string");
        assertThat(Completions.unparseable(task, "{\"entities\":[{\"label\":\"person\",\"start\":0,\"end\":4,"
                + "\"score\":0.9}]}")).isEqualTo("expected field 'text' at $.entities[0], found none");
    }
}
