package dev.enricher.tasks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every JSON task shares: parse failures are reported by position and type, never by content. */
class ContentParserTest {
    private final PiiTask task = new PiiTask();

    @Test
    void invalidJsonReasonQuotesNoToken() {
        String reason = Completions.unparseable(task, "{\"entities\":[{\"text\":Jane Doe}]}");
        assertThat(reason).startsWith("expected a JSON object with 'entities', found invalid JSON (error at line 1")
                .doesNotContain("Jane");
    }

    @Test
    void wrongTypesAreReportedByTypeNotValue() {
        String reason = Completions.unparseable(task, "{\"entities\":\"Jane Doe, jane@example.com\"}");
        assertThat(reason).isEqualTo("expected an array at $.entities, found a string");
    }

    @Test
    void labelsChosenByTheModelAreReferredToByPosition() {
        String reason = Completions.unparseable(new GlinerNerTask(List.of("person")),
                "{\"entities\":{\"location\":[],\"Jane Doe\":\"x\"}}");
        assertThat(reason).isEqualTo("expected an array at $.entities.<key 1>, found a string");
    }

    @Test
    void duplicateKeysTrailingGarbageAndDeepNestingAreUnparseable() {
        assertThat(Completions.unparseable(task, "{\"entities\":[],\"entities\":[]}")).contains("invalid JSON");
        assertThat(Completions.unparseable(task, "{\"entities\":[]}{}"))
                .isEqualTo("expected a JSON object with 'entities', found more than one JSON value"
                        + " (trailing content at line 1, column 16)");
        assertThat(Completions.unparseable(task, "[".repeat(5000) + "]".repeat(5000))).startsWith("expected");
    }

    @Test
    void jsonNullAndMissingAreTheSameForRequiredFields() {
        assertThat(Completions.unparseable(task, "{\"entities\":null}"))
                .isEqualTo("expected field 'entities' at $, found null");
        assertThat(Completions.unparseable(task, "null")).isEqualTo("expected an object at $, found null");
    }

    @Test
    void resultRecordsValidateWhenBuilt() {
        assertThatThrownBy(() -> new ScoredLabel("sports", Double.NaN)).hasMessage("score must be a finite number, was NaN");
        assertThatThrownBy(() -> new ScoredLabel(" ", 0.5)).hasMessage("label name must not be blank");
        assertThatThrownBy(() -> new ZeroShotResult(List.of())).hasMessageContaining("at least one label");
        assertThatThrownBy(() -> new TextResult("", "stop", false)).hasMessage("text must not be blank");
        assertThatThrownBy(() -> new ThinkingResult(" ", null, ThinkingResult.Split.NONE, false))
                .hasMessage("answer must not be blank");
    }
}
