package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The adaptive limit on its own: what counts as evidence of overload, one cut per burst, how it grows back. */
class AimdLimitTest {
    private final AimdLimit limit = new AimdLimit(4, 128);

    private void successes(int n) {
        for (int i = 0; i < n; i++) {
            limit.onSuccess(limit.epoch());
        }
    }

    private void refusals(int n) {
        for (int i = 0; i < n; i++) {
            limit.onRateLimited(limit.epoch());
        }
    }

    @Test
    void aThirdOfTheLast64AnswersRefusedHalvesTheLimit() {
        // 20 429s spread over 63 answers: under a third.
        for (int i = 0; i < 20; i++) {
            refusals(1);
            successes(2);
        }
        successes(3);
        assertThat(limit.current()).isEqualTo(128);
        refusals(1);
        assertThat(limit.current()).as("the 21st of the last 64").isEqualTo(64);
    }

    @Test
    void refusalsOlderThanTheWindowAreForgotten() {
        refusals(20);
        successes(64);
        refusals(20);
        assertThat(limit.current()).as("20 + 20, but 64 answers apart").isEqualTo(128);
        successes(23);
        refusals(1);
        assertThat(limit.current()).as("20 in the last 44, the window is 64").isEqualTo(64);
    }

    @Test
    void aSteadyFivePercentOf429sNeverCutsIt() {
        Random random = new Random(1);
        for (int i = 0; i < 1_000_000; i++) {
            if (random.nextDouble() < 0.05) {
                refusals(1);
            } else {
                successes(1);
            }
        }
        assertThat(limit.current()).isEqualTo(128);
    }

    @Test
    void answersToCallsStartedBeforeACutAreNotEvidence() {
        long before = limit.epoch();
        refusals(21);
        assertThat(limit.current()).isEqualTo(64);
        assertThat(limit.epoch()).isNotEqualTo(before);
        for (int i = 0; i < 100; i++) {
            limit.onRateLimited(before); // the rest of the burst: calls sent at the old limit
        }
        assertThat(limit.current()).as("one cut per burst").isEqualTo(64);
        refusals(21);
        assertThat(limit.current()).as("21 429s to calls sent at the new limit").isEqualTo(32);
    }

    @Test
    void aStormHalvesItDownToTheFloorAndNoFurther() {
        refusals(21 * 5);
        assertThat(limit.current()).isEqualTo(4);
        refusals(21 * 10);
        assertThat(limit.current()).isEqualTo(4);
    }

    @Test
    void afterOneCutItGrowsOneSlotPerRoundTrip() {
        refusals(21);
        assertThat(limit.current()).isEqualTo(64);
        int calls = 0;
        while (limit.current() < 128) {
            successes(1);
            calls++;
        }
        // One slot per round trip of `limit` calls near the ceiling the server showed: 64 round trips of 64..127
        // calls, about 6,100 calls; a quarter per round trip would take 3 round trips.
        assertThat(calls).isBetween(6_000, 6_200);
        successes(10_000);
        assertThat(limit.current()).isEqualTo(128);
    }

    @Test
    void afterAStormItGrowsBackFastOnceClearOfTheLastCut() {
        refusals(21 * 6);
        assertThat(limit.current()).isEqualTo(4);
        int calls = 0;
        int roundTrips = 0;
        while (limit.current() < 128) {
            int roundTrip = limit.current(); // a round trip at full use: one answer per slot
            successes(roundTrip);
            calls += roundTrip;
            roundTrips++;
        }
        // Gently from 4 to 6 (1.5 times the last cut), then a quarter per round trip.
        assertThat(roundTrips).isBetween(14, 22);
        assertThat(calls).isLessThan(700);
    }

    @Test
    void boundsAreValidated() {
        assertThatThrownBy(() -> new AimdLimit(0, 4)).hasMessageContaining("min=0");
        assertThatThrownBy(() -> new AimdLimit(5, 4)).hasMessageContaining("max=4");
    }
}
