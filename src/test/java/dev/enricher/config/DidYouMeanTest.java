package dev.enricher.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
    @Test
    void suggestsTheDeclaredKeyFewestEditsAway() {
        assertThat(DidYouMean.nearest("kafka.bootstrap-server", ConfigKeys.names()))
                .contains("kafka.bootstrap-servers");
        assertThat(DidYouMean.nearest("kafka.strem-threads", ConfigKeys.names())).contains("kafka.stream-threads");
        assertThat(DidYouMean.nearest("engine.retry.max-atempts", ConfigKeys.names()))
                .contains("engine.retry.max-attempts");
        assertThat(DidYouMean.nearest("kafka.zzzz", ConfigKeys.names())).isEmpty();
    }

    @Test
    void suggestsUpToThreeEditsAway() {
        assertThat(DidYouMean.nearest("abcxyz", List.of("abcdef"))).contains("abcdef");
        assertThat(DidYouMean.nearest("abwxyz", List.of("abcdef"))).isEmpty();
    }

    @Test
    void onATieTheFirstKnownNameWins() {
        assertThat(DidYouMean.nearest("ab", List.of("ax", "ay"))).contains("ax");
        assertThat(DidYouMean.nearest("ab", List.of("ay", "ax"))).contains("ay");
    }
}
