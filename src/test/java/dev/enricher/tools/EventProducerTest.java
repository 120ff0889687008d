package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The producer's loop against Kafka's MockProducer: every way a run ends is in the result, none throws. */
class EventProducerTest {
    private final List<Long> progress = new ArrayList<>();

    @Test
    void sendsEveryEventKeyedAsGivenAndCountsTheAcknowledged() {
        MockProducer<byte[], byte[]> producer = mock(true);
        EventProducer.Result r = new EventProducer("t", null, progress::add, () -> false)
                .send(() -> producer, events("a", "b", "c"));
        assertThat(r).isEqualTo(new EventProducer.Result(3, 3, null, null));
        assertThat(progress).containsExactly(1L, 2L, 3L);
        assertThat(producer.history()).extracting(rec -> new String(rec.key(), StandardCharsets.UTF_8))
                .containsExactly("k-a", "k-b", "k-c");
        assertThat(producer.history()).allMatch(rec -> rec.topic().equals("t") && rec.partition() == null);
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void aRejectedSendEndsTheRunNamingTheEvent() {
        MockProducer<byte[], byte[]> producer = mock(false);
        Deque<OutgoingEvent> queue = new ArrayDeque<>(List.of(event("a"), event("b"), event("c")));
        EventSource source = () -> {
            if (queue.size() == 2) {
                producer.errorNext(new KafkaException("the broker said no")); // the answer to "a" arrives
            }
            return queue.poll();
        };
        EventProducer.Result r = new EventProducer("t", null, progress::add, () -> false).send(() -> producer, source);
        assertThat(r.attempted()).isEqualTo(1);
        assertThat(r.acked()).isZero();
        assertThat(r.failure()).hasMessage("a: the broker said no");
        assertThat(r.stopped()).isNull();
    }

    @Test
    void aStopRequestEndsTheRunBeforeTheNextEvent() {
        AtomicInteger asked = new AtomicInteger();
        EventProducer.Result r = new EventProducer("t", null, progress::add, () -> asked.incrementAndGet() > 2)
                .send(() -> mock(true), events("a", "b", "c", "d"));
        assertThat(r).isEqualTo(new EventProducer.Result(2, 2, null, "stopped before the end (Ctrl-C)"));
    }

    @Test
    void aSourceThatStopsTheRunSaysWhy(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f.jsonl"), "{\"id\":\"a\"}\nnot json\n{\"id\":\"b\"}\n");
        try (FileEvents source = new FileEvents(file, LineFormat.JSON, BadLinePolicy.FAIL, EventKeys.field("id"),
                line -> { })) {
            EventProducer.Result r = new EventProducer("t", null, progress::add, () -> false)
                    .send(() -> mock(true), source);
            assertThat(r).isEqualTo(new EventProducer.Result(1, 1, null,
                    "stopped at f.jsonl:2: not a JSON object (--on-bad-line fail)"));
        }
    }

    @Test
    void aProducerThatCannotBeCreatedIsTheFailure() {
        EventProducer.Result r = new EventProducer("t", null, progress::add, () -> false).send(() -> {
            throw new KafkaException("no resolvable bootstrap urls");
        }, events("a"));
        assertThat(r.attempted()).isZero();
        assertThat(r.failure()).hasMessage("no resolvable bootstrap urls");
    }

    private static MockProducer<byte[], byte[]> mock(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static EventSource events(String... names) {
        Deque<OutgoingEvent> queue = new ArrayDeque<>();
        for (String n : names) {
            queue.add(event(n));
        }
        return queue::poll;
    }

    private static OutgoingEvent event(String name) {
        return new OutgoingEvent(("k-" + name).getBytes(StandardCharsets.UTF_8),
                ("{\"id\":\"" + name + "\"}").getBytes(StandardCharsets.UTF_8), name);
    }
}
