package dev.enricher.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The tracing options of this pipeline's contender (its run is {@code bench peers}'s, in BenchPeersCommandTest). */
class EnginePeerTest {

    @Test
    void tracingIsOffUnlessARatioInZeroToOneIsGiven() {
        assertThat(EnginePeer.tracingRatio(PeerArgs.parse(List.of()))).isZero();
        assertThat(EnginePeer.tracingRatio(PeerArgs.parse(List.of("--tracing", "off")))).isZero();
        assertThat(EnginePeer.tracingRatio(PeerArgs.parse(List.of("--tracing", "0.01",
                "--tracing-endpoint", "http://127.0.0.1:4318")))).isEqualTo(0.01);
        assertThat(EnginePeer.tracingRatio(PeerArgs.parse(List.of("--tracing", "1")))).isEqualTo(1.0);
        for (String bad : List.of("0", "1.5", "NaN", "all")) {
            assertThatThrownBy(() -> EnginePeer.tracingRatio(PeerArgs.parse(List.of("--tracing", bad))))
                    .hasMessageContaining("--tracing must be off or a sampling ratio in (0, 1], got '" + bad + "'");
        }
    }
}
