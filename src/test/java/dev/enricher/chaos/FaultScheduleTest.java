package dev.enricher.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
    static final Duration OUTAGE = Duration.ofSeconds(25);

    @Test
    void aShortPhaseStillHasEveryKindOnce() {
        List<ScheduledFault> plan = FaultSchedule.plan(EnumSet.allOf(FaultKind.class), Duration.ofSeconds(1), 2, 42,
                OUTAGE);
        assertThat(plan).extracting(ScheduledFault::kind).containsExactlyInAnyOrder(FaultKind.values());
    }

    @Test
    void faultsComeOneAtATimeAndFillTheDuration() {
        List<ScheduledFault> plan = FaultSchedule.plan(EnumSet.allOf(FaultKind.class), Duration.ofMinutes(30), 3, 7,
                OUTAGE);
        for (int i = 1; i < plan.size(); i++) {
            assertThat(plan.get(i).atMillis()).as("fault %d starts after %d ended", i, i - 1)
                    .isGreaterThan(plan.get(i - 1).endMillis());
        }
        assertThat(plan.get(plan.size() - 1).atMillis()).isLessThan(Duration.ofMinutes(30).toMillis());
        assertThat(plan.size()).as("many rounds in 30 minutes").isGreaterThan(5 * FaultKind.values().length);
        assertThat(plan).filteredOn(f -> f.kind() == FaultKind.OUTAGE).allSatisfy(f ->
                assertThat(f.lastsMs()).isEqualTo(OUTAGE.toMillis()));
        assertThat(plan).filteredOn(f -> f.kind().onInstance()).extracting(ScheduledFault::instance)
                .contains(0, 1, 2).allSatisfy(i -> assertThat(i).isBetween(0, 2));
        assertThat(plan).filteredOn(f -> !f.kind().onInstance()).extracting(ScheduledFault::instance)
                .containsOnly(-1);
    }

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        Set<FaultKind> kinds = EnumSet.of(FaultKind.KILL, FaultKind.STORM, FaultKind.RESET);
        assertThat(FaultSchedule.plan(kinds, Duration.ofMinutes(5), 2, 1, OUTAGE))
                .isEqualTo(FaultSchedule.plan(kinds, Duration.ofMinutes(5), 2, 1, OUTAGE))
                .isNotEqualTo(FaultSchedule.plan(kinds, Duration.ofMinutes(5), 2, 2, OUTAGE));
    }

    @Test
    void faultNamesParseAndUnknownOnesAreNamed() {
        assertThat(FaultKind.parseList("kill, 429-storm,broker-restart"))
                .containsExactlyInAnyOrder(FaultKind.KILL, FaultKind.STORM, FaultKind.BROKER_RESTART);
        assertThatThrownBy(() -> FaultKind.parseList("kill,flood")).hasMessageContaining("'flood'")
                .hasMessageContaining("kill,stop,broker-restart,outage,429-storm,slow,reset");
        assertThatThrownBy(() -> FaultKind.parseList(" , ")).hasMessageContaining("no fault");
        assertThatThrownBy(() -> FaultSchedule.plan(EnumSet.noneOf(FaultKind.class), Duration.ofSeconds(1), 1, 1,
                OUTAGE)).isInstanceOf(IllegalArgumentException.class);
    }
}
