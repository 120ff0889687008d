package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.testing.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReplayPlanTest {
    private static final Instant T = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void firstReplayAppendsTheCountAfterTheOriginalHeaders() {
        ReplayPlan.Decision d = new ReplayPlan(Set.of(), null, 3).decide(dl(DeadLetterCategory.VALIDATION, T, "a", "1", "b", "2"), T);
        assertThat(d.outcome()).isEqualTo(ReplayPlan.Outcome.REPLAY);
        assertThat(d.replayCount()).isEqualTo(1);
        assertThat(d.headers().stream().map(h -> h.key() + "=" + new String(h.value(), StandardCharsets.US_ASCII))
                .collect(Collectors.toList())).containsExactly("a=1", "b=2", "enricher.replay-count=1");
    }

    @Test
    void countsUpToMaxReplaysThenRefuses() {
        ReplayPlan plan = new ReplayPlan(Set.of(), null, 2);
        assertThat(plan.decide(dl(DeadLetterCategory.VALIDATION, T, ReplayPlan.REPLAY_COUNT_HEADER, "1"), T).replayCount()).isEqualTo(2);
        ReplayPlan.Decision refused = plan.decide(dl(DeadLetterCategory.VALIDATION, T, ReplayPlan.REPLAY_COUNT_HEADER, "2"), T);
        assertThat(refused.outcome()).isEqualTo(ReplayPlan.Outcome.REFUSE_MAX_REPLAYS);
        assertThat(refused.why()).contains("replayed 2 time(s)").contains("--max-replays 2");
        assertThat(refused.headers()).isEmpty();
    }

    @Test
    void filtersOnCategoryAndOnDeadLetteredAtOrTheRecordTime() {
        ReplayPlan plan = new ReplayPlan(Set.of(DeadLetterCategory.OVERSIZED), T.minus(Duration.ofHours(1)), 3);
        assertThat(plan.decide(dl(DeadLetterCategory.VALIDATION, T), T).outcome()).isEqualTo(ReplayPlan.Outcome.SKIP_FILTER);
        assertThat(plan.decide(dl(DeadLetterCategory.OVERSIZED, T.minus(Duration.ofHours(2))), T).outcome())
                .isEqualTo(ReplayPlan.Outcome.SKIP_FILTER);
        assertThat(plan.decide(dl(DeadLetterCategory.OVERSIZED, T.minus(Duration.ofHours(1))), T).outcome())
                .isEqualTo(ReplayPlan.Outcome.REPLAY);
        assertThat(plan.decide(dl(DeadLetterCategory.OVERSIZED, null), T).outcome()).isEqualTo(ReplayPlan.Outcome.REPLAY);
        assertThat(plan.decide(dl(DeadLetterCategory.OVERSIZED, null), T.minus(Duration.ofDays(1))).outcome())
                .isEqualTo(ReplayPlan.Outcome.SKIP_FILTER);
    }

    @Test
    void refusesMaxReplaysBelowOne() {
        assertThatThrownBy(() -> new ReplayPlan(Set.of(), null, 0)).hasMessageContaining("--max-replays 0");
    }

    private static DeadLetter dl(DeadLetterCategory category, Instant at, String... headers) {
        return DeadLetters.of(category, DeadLetters.utf8("k"), DeadLetters.utf8("v"), at, headers);
    }
}
