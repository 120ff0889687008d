package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The pacer against a fake clock: sleeping moves the clock. */
class PacerTest {
    private long now = 1_000_000_000L;

    private Pacer pacer(double rate) {
        return new Pacer(rate, () -> now, nanos -> now += nanos);
    }

    @Test
    void paces100EventsAt10PerSecondOverAbout10Seconds() throws Exception {
        Pacer p = pacer(10);
        long start = now;
        for (int i = 0; i < 100; i++) {
            p.acquire();
        }
        assertThat(now - start).isBetween(TimeUnit.MILLISECONDS.toNanos(9_800), TimeUnit.MILLISECONDS.toNanos(10_000));
    }

    @Test
    void anIdlePeriodAllowsOnlyASmallBurst() throws Exception {
        Pacer p = pacer(1000);
        now += TimeUnit.SECONDS.toNanos(10);
        long before = now;
        for (int i = 0; i < 50; i++) {
            p.acquire(); // 50 ms worth of tokens at most
        }
        assertThat(now).isEqualTo(before);
        p.acquire();
        assertThat(now).isGreaterThan(before);
    }

    @Test
    void refusesANonPositiveRate() {
        assertThatThrownBy(() -> pacer(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> pacer(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void progressLineShowsCountShareRateAndTimeLeft() {
        ProgressLine line = new ProgressLine(new java.io.PrintWriter(new java.io.StringWriter()), "produce", 1000, true,
                () -> 0L);
        assertThat(line.render(250, TimeUnit.SECONDS.toNanos(5))).isEqualTo("produce: 250/1,000 (25%) 50/s ETA 0:15");
        assertThat(new ProgressLine(new java.io.PrintWriter(new java.io.StringWriter()), "produce", -1, true, () -> 0L)
                .render(10, TimeUnit.SECONDS.toNanos(1))).isEqualTo("produce: 10 10/s");
    }
}
