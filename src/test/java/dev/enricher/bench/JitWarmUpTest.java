package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.bench.JitWarmUp.Outcome;
import dev.enricher.bench.JitWarmUp.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The stopping rule of the warm-up, with time and JIT readings made up: every step moves a fake ticker, and the meter
 * answers from a function of that time. Nothing sleeps and no JIT is looked at.
 */
class JitWarmUpTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    /** A fake clock that the steps move. */
    private static final class Ticker {
        long now;

        JitWarmUp.Step step(double seconds, long units) {
            return () -> {
                now += (long) (seconds * SECOND);
                return units;
            };
        }
    }

    @Test
    void asInBenchClientEveryStepIsARoundAndTheFirstQuietOneStops() throws InterruptedException {
        Ticker t = new Ticker();
        // JIT share of the process CPU per 2 s round after a 5 s first batch: 10 %, 5 %, then 1 %.
        List<Reading> readings = new ArrayList<>(List.of(new Reading(0, 0), new Reading(100, 1_000),
                new Reading(150, 2_000), new Reading(160, 3_000), new Reading(160, 4_000)));
        JitWarmUp warmUp = new JitWarmUp(Duration.ZERO, Duration.ofSeconds(90), Duration.ZERO,
                now -> readings.remove(0), () -> t.now);

        Outcome o = warmUp.run(t.step(5, 20_000), t.step(2, 10_000));

        assertThat(o.units()).isEqualTo(50_000);
        assertThat(o.seconds()).isEqualTo(11.0);
        assertThat(o.lastShare()).isEqualTo(0.01);
        assertThat(readings).as("no reading after the quiet round").hasSize(1);
    }

    @Test
    void aJitThatNeverQuietensStopsAtTheMostCountedFromTheFirstStep() throws InterruptedException {
        Ticker t = new Ticker();
        JitWarmUp warmUp = new JitWarmUp(Duration.ZERO, Duration.ofSeconds(10), Duration.ZERO,
                now -> new Reading(now / 2, now), () -> t.now);

        Outcome o = warmUp.run(t.step(3, 100), t.step(2, 10));

        // 3 s first, then steps while under 10 s: at 3, 5, 7 and 9 s.
        assertThat(o.units()).isEqualTo(140);
        assertThat(o.seconds()).isEqualTo(11.0);
        assertThat(o.lastShare()).isEqualTo(0.5);
    }

    @Test
    void asInBenchPeersNoStopBeforeTheLeastAndRoundsOfTwoSecondsOfSmallSteps() throws InterruptedException {
        Ticker t = new Ticker();
        // A child that reports no compilation at all: quiet from the start, yet it runs the least 10 s.
        JitWarmUp warmUp = new JitWarmUp(Duration.ofSeconds(10), Duration.ofSeconds(180), Duration.ofSeconds(2),
                JitWarmUp.shareOfACore(() -> 1_234), () -> t.now);

        Outcome o = warmUp.run(() -> 0, t.step(0.5, 256));

        assertThat(o.seconds()).isEqualTo(10.0);
        assertThat(o.units()).isEqualTo(20 * 256);
        assertThat(o.lastShare()).isZero();
    }

    @Test
    void aBusyJitKeepsItGoingUntilARoundOfTwoSecondsUsedUnderTwoPercentOfACore() throws InterruptedException {
        Ticker t = new Ticker();
        // 20 % of a core until 12 s, then nothing: the round from 12 to 14 s is the first quiet one.
        LongUnaryOperator jitMillisAt = nanos -> Math.min(nanos, 12 * SECOND) / 1_000_000 / 5;
        JitWarmUp warmUp = new JitWarmUp(Duration.ofSeconds(10), Duration.ofSeconds(180), Duration.ofSeconds(2),
                JitWarmUp.shareOfACore(() -> jitMillisAt.applyAsLong(t.now)), () -> t.now);

        Outcome o = warmUp.run(() -> 0, t.step(0.5, 256));

        assertThat(o.seconds()).isEqualTo(14.0);
        assertThat(o.lastShare()).isZero();
    }

    @Test
    void justUnderTwoPercentIsQuietAndTwoPercentIsNot() throws InterruptedException {
        // Shares in parts per 10,000, so that the readings are exact whole nanoseconds.
        for (long share : new long[] {199, 200}) {
            Ticker t = new Ticker();
            JitWarmUp warmUp = new JitWarmUp(Duration.ZERO, Duration.ofSeconds(60), Duration.ZERO,
                    now -> new Reading(now * share / 10_000, now), () -> t.now);
            Outcome o = warmUp.run(t.step(1, 1), t.step(2, 1));
            assertThat(o.seconds()).as("%s / 10,000", share).isEqualTo(share < 200 ? 3.0 : 61.0);
        }
    }

    @Test
    void aChildThatNeverReportsItsJitIsWarmedForTheLeastOnly() throws InterruptedException {
        Ticker t = new Ticker();
        JitWarmUp warmUp = new JitWarmUp(Duration.ofSeconds(10), Duration.ofSeconds(180), Duration.ofSeconds(2),
                JitWarmUp.shareOfACore(() -> -1), () -> t.now);

        Outcome o = warmUp.run(() -> 0, t.step(0.5, 1));

        assertThat(o.seconds()).isEqualTo(10.0);
        assertThat(o.lastShare()).isNaN();
        assertThat(o.lastShareOr(1)).isEqualTo(1);
    }

    @Test
    void aRoundThatStartedBeforeTheFirstReportIsNotQuiet() throws InterruptedException {
        Ticker t = new Ticker();
        // The child's first report comes 1 s in, and it compiles nothing after.
        JitWarmUp warmUp = new JitWarmUp(Duration.ZERO, Duration.ofSeconds(180), Duration.ofSeconds(2),
                JitWarmUp.shareOfACore(() -> t.now < SECOND ? -1 : 500), () -> t.now);

        Outcome o = warmUp.run(() -> 0, t.step(0.5, 1));

        assertThat(o.seconds()).as("the round from 0 to 2 s cannot tell; the one from 2 to 4 s is quiet").isEqualTo(4.0);
    }

    @Test
    void nothingBeyondTheMostRunsAndNoLeastAboveIt() throws InterruptedException {
        Ticker t = new Ticker();
        JitWarmUp warmUp = new JitWarmUp(Duration.ofSeconds(10), Duration.ZERO, Duration.ofSeconds(2),
                JitWarmUp.shareOfACore(() -> 0), () -> t.now);
        assertThat(warmUp.run(() -> 0, t.step(1, 1)).seconds()).as("the most is raised to the least").isEqualTo(10.0);

        Ticker u = new Ticker();
        JitWarmUp none = new JitWarmUp(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(2),
                JitWarmUp.shareOfACore(() -> 0), () -> u.now);
        Outcome o = none.run(() -> 0, u.step(1, 1));
        assertThat(o.units()).isZero();
        assertThat(o.lastShare()).as("no round measured").isNaN();
    }

    @Test
    void theShareIsOfTheBaseBetweenTwoReadings() {
        assertThat(JitWarmUp.share(new Reading(100, 1_000), new Reading(150, 2_000))).isEqualTo(0.05);
        assertThat(JitWarmUp.share(new Reading(100, 1_000), new Reading(100, 1_000)))
                .as("no CPU used at all counts as quiet").isZero();
        assertThat(JitWarmUp.share(new Reading(-1, 1_000), new Reading(100, 2_000))).isNaN();
        assertThat(JitWarmUp.share(new Reading(100, 1_000), new Reading(-1, 2_000))).isNaN();
    }

    @Test
    void aStepThatFailsEndsTheWarmUpWithItsException() {
        Ticker t = new Ticker();
        JitWarmUp warmUp = new JitWarmUp(Duration.ZERO, Duration.ofSeconds(60), Duration.ZERO,
                now -> new Reading(now, now), () -> t.now);
        assertThatThrownBy(() -> warmUp.run(t.step(1, 1), () -> {
            throw new IllegalStateException("no output for 60 s during the warm-up");
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("during the warm-up");
    }
}
