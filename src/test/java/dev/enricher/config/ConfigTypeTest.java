package dev.enricher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigTypeTest {
    @Test
    void durationsTakeAUnitOrIso8601AndAreWrittenInTheLargestWholeUnit() {
        ConfigType<Duration> t = ConfigType.DURATION_TYPE;
        assertThat(t.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(t.parse(" 30 s ")).isEqualTo(Duration.ofSeconds(30));
        assertThat(t.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(t.parse("pt1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(t.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(t.format(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(t.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThatThrownBy(() -> t.parse("P")).hasMessageStartingWith("is not a duration");
    }

    @Test
    void oneOfIgnoresCaseAndDashesAndAnswersTheCanonicalForm() {
        ConfigType<String> t = ConfigType.oneOf("exactly_once_v2", "at_least_once");
        assertThat(t.parse(" AT-LEAST-ONCE ")).isEqualTo("at_least_once");
        assertThat(t.describe()).isEqualTo("one of exactly_once_v2, at_least_once");
    }

    @Test
    void aSecretIsNeverWrittenOut() {
        assertThat(ConfigType.PASSWORD.format(ConfigType.PASSWORD.parse("s3cret"))).isEqualTo("****");
        assertThatThrownBy(() -> ConfigType.PASSWORD.parse("  ")).hasMessageNotContaining("s3cret")
                .hasMessageStartingWith("is blank");
    }

    @Test
    void numbersSayTheirRange() {
        assertThat(ConfigType.intRange(1, Integer.MAX_VALUE).describe()).isEqualTo("a whole number >= 1");
        assertThat(ConfigType.doubleMin(0.5).describe()).isEqualTo("a number >= 0.5");
        assertThatThrownBy(() -> ConfigType.doubleMin(0).parse("Infinity")).hasMessage("is out of range; a number >= 0");
        assertThatThrownBy(() -> ConfigType.doubleMin(0).parse("NaN")).hasMessage("is out of range; a number >= 0");
        assertThatThrownBy(() -> ConfigType.doubleMin(0).parse("x")).hasMessage("is not a number; a number >= 0");
        assertThat(ConfigType.TEXT.parse("  ")).isEmpty();
    }
}
