package dev.enricher.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.Choice;
import dev.enricher.client.Usage;
import dev.enricher.testing.MillisClock;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The local store of answers: content keys, the TTL on a moved clock, the size bound, the topic record codec. */
class CallResultsTest {
    private final AtomicLong now = new AtomicLong(Instant.parse("2026-12-04T10:00:00Z").toEpochMilli());
    private final Clock clock = new MillisClock() {
        @Override
        public long millis() {
            return now.get();
        }
    };

    private static ChatCompletion completion(String content, String requestId) {
        return new ChatCompletion("cmpl-1", 0, "served-model", List.of(new Choice(0, "assistant", content, "stop")),
                new Usage(120, 30, 150), requestId, 1, Duration.ofMillis(85));
    }

    private Answer answer(String content) {
        return new Answer("summary", "llama", completion(content, "req-9"), now.get());
    }

    private static CallKey key(String body) {
        return CallKey.of("llama", "summary|v1", body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keysDifferWithTheModelTheFingerprintOrTheBodyAndAreEqualOtherwise() {
        byte[] body = "{\"m\":1}".getBytes(StandardCharsets.UTF_8);
        CallKey k = CallKey.of("llama", "fp", body);
        assertThat(CallKey.of("llama", "fp", body.clone())).isEqualTo(k).hasSameHashCodeAs(k);
        assertThat(CallKey.of("gpt", "fp", body)).isNotEqualTo(k);
        assertThat(CallKey.of("llama", "fp2", body)).isNotEqualTo(k);
        assertThat(CallKey.of("llama", "fp", "{\"m\":2}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(k);
        // Length prefixes: moving a character from one field to the next gives another key.
        assertThat(CallKey.of("llamaf", "p", body)).isNotEqualTo(CallKey.of("llama", "fp", body));
        assertThat(CallKey.fromBytes(k.bytes())).isEqualTo(k);
        assertThat(k.toString()).hasSize(64).matches("[0-9a-f]+");
        assertThatThrownBy(() -> CallKey.fromBytes(new byte[5])).hasMessageContaining("32 bytes, this one 5");
    }

    @Test
    void anAnswerReadsBackAsItWasWritten() {
        Answer a = answer("{\"summary\":\"x\"}");
        Answer back = Answer.decode(a.encode());
        assertThat(back.task()).isEqualTo("summary");
        assertThat(back.model()).isEqualTo("llama");
        assertThat(back.storedAt()).isEqualTo(a.storedAt());
        assertThat(back.completion().content()).isEqualTo("{\"summary\":\"x\"}");
        assertThat(back.completion().requestId()).isEqualTo("req-9");
        assertThat(back.completion().id()).isEqualTo("cmpl-1");
        assertThat(back.completion().model()).isEqualTo("served-model");
        assertThat(back.completion().usage()).isEqualTo(new Usage(120, 30, 150));
        assertThat(back.completion().latency()).isEqualTo(Duration.ofMillis(85));
        assertThatThrownBy(() -> Answer.decode(new byte[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a stored answer");
    }

    @Test
    void anAnswerIsServedUntilItsTtlHasPassedSinceItWasStored() {
        CallResults r = new CallResults(Duration.ofHours(1), 1 << 20, clock);
        r.put(key("a"), answer("A"));
        now.addAndGet(Duration.ofMinutes(59).toMillis());
        assertThat(r.find(key("a"))).isNotNull();
        now.addAndGet(Duration.ofMinutes(1).toMillis());
        assertThat(r.find(key("a"))).isNull();
        assertThat(r.hits()).isEqualTo(1);
        assertThat(r.misses()).isEqualTo(1);
    }

    @Test
    void anAnswerStoredLongerAgoThanTheTtlIsNotKept() {
        CallResults r = new CallResults(Duration.ofHours(1), 1 << 20, clock);
        Answer old = new Answer("summary", "llama", completion("A", "r"), now.get() - Duration.ofHours(2).toMillis());
        r.put(key("a"), old);
        assertThat(r.find(key("a"))).isNull();
        assertThat(r.size()).isZero();
    }

    @Test
    void theStoreStaysWithinItsSizeBound() {
        long bound = 64 * 1024;
        CallResults r = new CallResults(Duration.ofDays(7), bound, clock);
        String content = "x".repeat(1000); // about 2.3 KB each
        for (int i = 0; i < 500; i++) {
            r.put(key("k" + i), answer(content));
        }
        assertThat(r.size()).isBetween(1L, bound / 2000);
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        assertThatThrownBy(() -> new CallResults(Duration.ZERO, 1, clock)).hasMessageContaining("TTL must be > 0");
        assertThatThrownBy(() -> new CallResultSettings(true, "t", 0, (short) -1, Duration.ofDays(1), 1,
                Duration.ofMinutes(1))).hasMessageContaining("partitions must be >= 1, was 0");
        assertThatThrownBy(() -> new CallResultSettings(true, "t", 1, (short) 0, Duration.ofDays(1), 1,
                Duration.ofMinutes(1))).hasMessageContaining("replication factor");
    }

    @Test
    void theTopicIsCompactedAndDeletesAfterTheTtl() {
        var configs = CallResultTopic.configs(CallResultSettings.on("t").withTtl(Duration.ofDays(7)), 2_000_000);
        assertThat(configs).containsEntry("cleanup.policy", "compact,delete")
                .containsEntry("retention.ms", String.valueOf(Duration.ofDays(7).toMillis()))
                .containsEntry("segment.ms", String.valueOf(Duration.ofDays(1).toMillis()))
                .containsEntry("max.message.bytes", "2000000");
    }
}
