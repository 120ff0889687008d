package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SinceTest {
    private static final Instant T = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void sinceReadsInstantsOffsetsAndDurations() {
        assertThat(Since.parse("2026-11-25T10:00:00Z").cutoff(T)).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThat(Since.parse("2026-11-25T11:00:00+01:00").cutoff(T)).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        assertThat(Since.parse("90m").cutoff(T)).isEqualTo(T.minus(Duration.ofMinutes(90)));
        assertThat(Since.parse("PT2H").cutoff(T)).isEqualTo(T.minus(Duration.ofHours(2)));
        assertThatThrownBy(() -> Since.parse("last tuesday")).hasMessageContaining("ISO-8601 instant");
    }
}
