package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Spend budgets: UTC-aligned hour and day windows, when a spent one ends, the reason given, exact sums. */
class SpendBudgetTest {
    private static long at(String utc) {
        return Instant.parse(utc).toEpochMilli();
    }

    @Test
    void theHourStartsOverAtEachFullHourAndTheDayAtUtcMidnight() {
        SpendBudget b = new SpendBudget(1.0, 10.0);
        b.record(0.40, at("2026-01-01T23:59:59.999Z"));
        assertThat(b.spentThisHour(at("2026-01-01T23:59:59.999Z"))).isEqualTo(0.40);
        b.record(0.25, at("2026-01-02T00:00:00Z"));
        assertThat(b.spentThisHour(at("2026-01-02T00:10:00Z"))).as("a new hour").isEqualTo(0.25);
        assertThat(b.spentToday(at("2026-01-02T00:10:00Z"))).as("and a new day").isEqualTo(0.25);

        b.record(0.30, at("2026-01-02T14:10:00Z"));
        assertThat(b.spentThisHour(at("2026-01-02T14:59:59.999Z"))).isEqualTo(0.30);
        assertThat(b.spentThisHour(at("2026-01-02T15:00:00Z"))).isZero();
        assertThat(b.spentToday(at("2026-01-02T15:00:00Z"))).as("the day goes on").isEqualTo(0.55);
        assertThat(b.spentToday(at("2026-01-03T00:00:00Z"))).isZero();
    }

    @Test
    void exhaustedUntilTheEndOfTheSpentWindowAndTheLaterOneWhenBothAre() {
        SpendBudget b = new SpendBudget(0.50, 1.00);
        long t = at("2026-01-01T14:30:00Z");
        b.record(0.49, t);
        assertThat(b.exhaustedUntil(t)).as("a cent left").isEqualTo(-1);
        b.record(0.01, t);
        assertThat(b.exhaustedUntil(t)).as("spent exactly: the hour's end").isEqualTo(at("2026-01-01T15:00:00Z"));
        b.record(0.50, at("2026-01-01T14:40:00Z"));
        assertThat(b.exhaustedUntil(at("2026-01-01T14:40:00Z"))).as("both spent: the day's end, the later")
                .isEqualTo(at("2026-01-02T00:00:00Z"));
        assertThat(b.exhaustedUntil(at("2026-01-01T15:00:00Z"))).as("a new hour, the same day")
                .isEqualTo(at("2026-01-02T00:00:00Z"));
        assertThat(b.exhaustedUntil(at("2026-01-02T00:00:00Z"))).isEqualTo(-1);
    }

    @Test
    void onlyTheDaysBudgetSpentEndsAtMidnight() {
        SpendBudget b = new SpendBudget(0, 2.00);
        long t = at("2026-03-07T09:15:00Z");
        b.record(2.00, t);
        assertThat(b.exhaustedUntil(t)).isEqualTo(at("2026-03-08T00:00:00Z"));
        assertThat(b.describe(t)).isEqualTo("the day's budget of $2.00 is spent ($2.00 since 00:00 UTC on 2026-03-07); "
                + "sending resumes at 00:00 UTC on 2026-03-08");
    }

    @Test
    void zeroMeansNoSuchBudget() {
        SpendBudget none = new SpendBudget(0, 0);
        long t = at("2026-01-01T12:00:00Z");
        none.record(1_000, t);
        assertThat(none.configured()).isFalse();
        assertThat(none.exhaustedUntil(t)).isEqualTo(-1);
        assertThat(none.usedFraction(t)).isZero();
        assertThat(none.spentToday(t)).as("still counted").isEqualTo(1_000.0);

        SpendBudget dayOnly = new SpendBudget(0, 5);
        dayOnly.record(4.99, t);
        assertThat(dayOnly.configured()).isTrue();
        assertThat(dayOnly.exhaustedUntil(t)).as("no hourly budget to spend").isEqualTo(-1);
    }

    @Test
    void usedFractionIsTheLargerShareOfTheConfiguredBudgets() {
        SpendBudget b = new SpendBudget(0.50, 2.00);
        long t = at("2026-01-01T12:00:00Z");
        assertThat(b.usedFraction(t)).isZero();
        b.record(0.25, t);
        assertThat(b.usedFraction(t)).isEqualTo(0.5);
        assertThat(b.usedFraction(at("2026-01-01T13:00:00Z"))).as("the hour over: the day's share").isEqualTo(0.125);
    }

    @Test
    void describeSaysWhatIsSpentSinceWhenAndWhenSendingResumes() {
        SpendBudget b = new SpendBudget(0.50, 0);
        long t = at("2026-01-01T14:20:00Z");
        b.record(0.30, t);
        assertThat(b.describe(t)).isEqualTo("within budget: $0.30 of $0.50 spent this hour");
        b.record(0.22, t);
        assertThat(b.describe(t)).isEqualTo(
                "the hour's budget of $0.50 is spent ($0.52 since 14:00 UTC); sending resumes at 15:00 UTC");
        SpendBudget small = new SpendBudget(0.0125, 0);
        small.record(0.0130, t);
        assertThat(small.describe(t)).startsWith("the hour's budget of $0.0125 is spent ($0.013 since 14:00 UTC)");
    }

    @Test
    void budgetsAndSpendAreValidated() {
        assertThatThrownBy(() -> new SpendBudget(-1, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usd per hour").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> new SpendBudget(0, Double.NaN)).hasMessageContaining("usd per day")
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> new SpendBudget(0, Double.POSITIVE_INFINITY)).hasMessageContaining("Infinity");
        SpendBudget b = new SpendBudget(1, 0);
        assertThatThrownBy(() -> b.record(-0.1, 0)).hasMessageContaining("spend").hasMessageContaining("-0.1");
    }

    @Test
    void spendRecordedFromManyThreadsAddsUpExactly() throws Exception {
        SpendBudget b = new SpendBudget(100, 1_000);
        long t = at("2026-01-01T12:00:00Z");
        int threads = 8;
        int each = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int n = 0; n < each; n++) {
                        b.record(0.0001, t);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(b.spentThisHour(t)).isEqualTo(16.0);
        assertThat(b.spentToday(t)).isEqualTo(16.0);
    }
}
