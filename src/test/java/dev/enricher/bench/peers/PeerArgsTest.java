package dev.enricher.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerArgsTest {

    @Test
    void readsOptionsAndDefaults() {
        PeerArgs args = PeerArgs.parse(List.of("--bootstrap", "127.0.0.1:9092", "--concurrency", "64"));
        assertThat(args.string("bootstrap")).isEqualTo("127.0.0.1:9092");
        assertThat(args.integer("concurrency", 1)).isEqualTo(64);
        assertThat(args.integer("threads", 1, 4)).isEqualTo(4);
        assertThat(args.string("guarantee", "at_least_once")).isEqualTo("at_least_once");
    }

    @Test
    void namesTheOptionThatIsWrong() {
        assertThatThrownBy(() -> PeerArgs.parse(List.of("--concurency", "64")))
                .hasMessageContaining("unknown option '--concurency'").hasMessageContaining("--concurrency");
        assertThatThrownBy(() -> PeerArgs.parse(List.of("--group")))
                .hasMessageContaining("--group needs a value");
        PeerArgs args = PeerArgs.parse(List.of("--concurrency", "lots", "--threads", "0"));
        assertThatThrownBy(() -> args.integer("concurrency", 1))
                .hasMessageContaining("--concurrency must be a whole number, got 'lots'");
        assertThatThrownBy(() -> args.integer("threads", 1)).hasMessageContaining("--threads must be >= 1, got 0");
        assertThatThrownBy(() -> args.string("input-topic")).hasMessageContaining("--input-topic is required");
    }
}
