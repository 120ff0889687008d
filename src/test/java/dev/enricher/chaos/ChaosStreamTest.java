package dev.enricher.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosStreamTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void eventsAreAPureFunctionOfSeedAndNumber() {
        ChaosStream a = new ChaosStream(5, 60, 0.1);
        ChaosStream b = new ChaosStream(5, 60, 0.1);
        for (long n = 1; n <= 200; n++) {
            ChaosStream.Event x = a.event(n);
            ChaosStream.Event y = b.event(n);
            assertThat(x.key()).isEqualTo(y.key());
            assertThat(x.value()).isEqualTo(y.value());
            assertThat(x.poison()).isEqualTo(y.poison());
        }
    }

    @Test
    void recordFaultsComeAtTheirRateAndAreWhatTheySay() throws Exception {
        ChaosStream s = new ChaosStream(9, 60, 0.2);
        Map<Poison, Integer> seen = new EnumMap<>(Poison.class);
        int good = 0;
        int wide = 0;
        for (long n = 1; n <= 2_000; n++) {
            ChaosStream.Event e = s.event(n);
            if (e.poison() == null) {
                JsonNode v = JSON.readTree(e.value());
                assertThat(v.get("id").asText()).isEqualTo(ChaosStream.id(n));
                assertThat(e.value().length).isLessThan(ChaosStream.MAX_BYTES);
                if (v.get("text").asText().codePointCount(0, v.get("text").asText().length())
                        < v.get("text").asText().length()) {
                    wide++;
                }
                good++;
                continue;
            }
            seen.merge(e.poison(), 1, Integer::sum);
            switch (e.poison()) {
                case NOT_JSON -> assertThatThrownBy(() -> JSON.readTree(e.value())).isNotNull();
                case NO_TEXT -> assertThat(JSON.readTree(e.value()).has("text")).isFalse();
                case OVERSIZED -> assertThat(e.value().length).isGreaterThan(ChaosStream.MAX_BYTES);
                case TOO_LONG_FOR_MODEL -> assertThat(e.value().length).isLessThan(ChaosStream.MAX_BYTES)
                        .isGreaterThan(ChaosStream.MAX_BYTES / 2);
            }
        }
        assertThat(seen).containsOnlyKeys(Poison.values());
        assertThat(2_000 - good).isBetween(320, 480);
        assertThat(wide).as("texts with characters outside the BMP").isGreaterThan(good / 8);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new ChaosStream(1, 0, 0.1)).hasMessageContaining("keys");
        assertThatThrownBy(() -> new ChaosStream(1, 10, 1.0)).hasMessageContaining("poisonRate");
    }
}
