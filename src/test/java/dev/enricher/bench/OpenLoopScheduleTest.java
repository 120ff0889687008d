package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The open loop's Poisson schedule with a clock moved by hand: the parker advances it by what it is asked to wait, and
 * a test can make it jump (a generator that fell behind). Nothing sleeps.
 */
class OpenLoopScheduleTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** A fake clock; parking moves it by exactly the time asked for. */
    private static final class Clock {
        long now = 1_000_000_000L;
        final List<Long> parks = new ArrayList<>();

        OpenLoopSchedule schedule(double rate, long seed) {
            return new OpenLoopSchedule(rate, seed, () -> now, nanos -> {
                parks.add(nanos);
                now += nanos;
            });
        }
    }

    @Test
    void interArrivalTimesAreExponentialWithTheMeanOfTheRate() {
        double rate = 800;
        OpenLoopSchedule s = new Clock().schedule(rate, 42);
        int n = 200_000;
        double sum = 0;
        double sumOfSquares = 0;
        for (int i = 0; i < n; i++) {
            double gap = s.nextInterArrivalNanos();
            assertThat(gap).isPositive();
            sum += gap;
            sumOfSquares += gap * gap;
        }
        double mean = sum / n;
        double sd = Math.sqrt(sumOfSquares / n - mean * mean);
        double expected = 1e9 / rate;
        // The standard error of the mean is expected / sqrt(n), 0.22 %; 2 % is some nine of them.
        assertThat(mean).isCloseTo(expected, within(expected * 0.02));
        // Exponential: the standard deviation equals the mean (a fixed-rate or uniform schedule would fail this).
        assertThat(sd / mean).isCloseTo(1.0, within(0.03));
        assertThat(s.scheduled()).isEqualTo(n);
    }

    @Test
    void theSameSeedGivesTheSameTimesAndAnotherSeedOthers() {
        OpenLoopSchedule a = new Clock().schedule(500, 7);
        OpenLoopSchedule b = new Clock().schedule(500, 7);
        OpenLoopSchedule c = new Clock().schedule(500, 8);
        List<Long> ta = new ArrayList<>();
        List<Long> tb = new ArrayList<>();
        List<Long> tc = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ta.add(a.nextOffsetNanos());
            tb.add(b.nextOffsetNanos());
            tc.add(c.nextOffsetNanos());
        }
        assertThat(ta).isEqualTo(tb).isNotEqualTo(tc).isSorted();
    }

    @Test
    void theNthTimeIsTheStartPlusTheSumOfTheDrawsEvenWhenTheSenderFellBehind() throws InterruptedException {
        Clock clock = new Clock();
        long start = clock.now;
        OpenLoopSchedule paced = clock.schedule(1000, 3);
        OpenLoopSchedule twin = new Clock().schedule(1000, 3);
        double sum = 0;
        for (int i = 0; i < 10_000; i++) {
            if (i == 5_000) {
                clock.now += 250 * MS; // the generator stalls for a quarter of a second, e.g. a GC pause
            }
            long offset = paced.awaitNext();
            sum += twin.nextInterArrivalNanos();
            assertThat(offset).as("arrival %d", i).isEqualTo(Math.round(sum));
            // Never early; on time unless behind after the stall.
            assertThat(clock.now).isGreaterThanOrEqualTo(start + offset);
        }
        // 10 000 arrivals at 1000/s end near 10 s, stall or not: the stall shifted no arrival after it.
        assertThat((double) clock.now - start).isCloseTo(10e9, within(0.5e9));
        assertThat(paced.startNanos()).isEqualTo(start);
    }

    @Test
    void lateArrivalsGoOutAtOnceAndTheLatenessIsCounted() throws InterruptedException {
        Clock clock = new Clock();
        OpenLoopSchedule s = clock.schedule(1000, 11);
        for (int i = 0; i < 100; i++) {
            s.awaitNext();
        }
        assertThat(s.lateOverOneMs()).as("a clock that parks exactly is never late").isZero();
        assertThat(s.lateMicros().getMaxValue()).isZero();

        clock.now += 100 * MS;
        int parksBefore = clock.parks.size();
        int late = 0;
        while (clock.parks.size() == parksBefore) {
            s.awaitNext(); // the ones due in the 100 ms already past: no parking
            late++;
        }
        // About 100 arrivals were due in those 100 ms (the last call above is the first one on time again).
        assertThat(late - 1).isBetween(60, 140);
        assertThat(s.lateOverOneMs()).isBetween(50L, (long) late);
        // The first of them was due one draw after the last on-time one, a little less than 100 ms late.
        assertThat(s.lateMicros().getMaxValue()).isBetween(90_000L, 100_100L);
        assertThat(s.lateMicros().getTotalCount()).isEqualTo(100 + late);
    }

    @Test
    void refusesARateThatIsNoRate() {
        for (double rate : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> new Clock().schedule(rate, 1)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
