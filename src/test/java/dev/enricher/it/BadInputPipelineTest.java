package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.avro.TextEvent;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.decode.DecoderConfig;
import dev.enricher.serde.decode.InputFormat;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.OutputReader.Kind;
import dev.enricher.testing.OutputReader.Output;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.topology.EnrichmentPipeline;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input through a running pipeline: each bad record becomes a dead letter with its category and a reason, with
 * its bytes, key, headers and coordinates, and the good events after them are still enriched.
 */
class BadInputPipelineTest {
    /** Limits of the topics and producer of the oversized test: room for 1 MiB+ records. */
    private static final int BIG = 4 * 1024 * 1024;

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    @Test
    void badJsonInputBecomesDeadLettersAndThePipelineKeepsRunning() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(10));
        PipelineFixture.Topics t = fx.topics("bad-json", 1);
        OutputReader reader = fx.reader(t);
        EnrichmentPipeline p = fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB))
                .decoder(DecoderConfig.defaults(InputFormat.JSON)).build());

        byte[] notUtf8 = concat("{\"id\":\"u\",\"text\":\"caf".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte) 0xC3, (byte) 0x28}, "\"}".getBytes(StandardCharsets.US_ASCII));
        Map<String, Expected> bad = new LinkedHashMap<>();
        bad.put("malformed", new Expected(utf8("{\"id\":\"m\",\"text\":\"unfinished"), DeadLetterCategory.DESERIALIZATION));
        bad.put("no-text", new Expected(utf8("{\"id\":\"n\",\"body\":\"the text is elsewhere\"}"), DeadLetterCategory.VALIDATION));
        bad.put("empty-text", new Expected(utf8("{\"id\":\"e\",\"text\":\"\"}"), DeadLetterCategory.VALIDATION));
        bad.put("not-utf8", new Expected(notUtf8, DeadLetterCategory.DESERIALIZATION));
        bad.put("tombstone", new Expected(null, DeadLetterCategory.VALIDATION));

        List<PipelineFixture.Draft> drafts = new ArrayList<>();
        bad.forEach((key, e) -> {
            drafts.add(fx.event(key, PipelineFixture.text(drafts.size())));
            drafts.add(PipelineFixture.raw(key, e.value()));
        });
        for (int i = 0; i < 50; i++) {
            drafts.add(fx.event("after-" + (i % 5), PipelineFixture.text(i)));
        }
        List<Sent> sent = fx.send(t.input(), drafts);
        reader.awaitAll(sent, Duration.ofSeconds(90));

        reader.assertExactlyOnce(sent, t.input());
        reader.assertKeyOrderWithinEachTopic();
        for (Sent s : sent) {
            Output o = reader.only(s);
            if (s.id() != null) {
                assertThat(o.kind()).as("good event %s", s).isEqualTo(Kind.ENRICHED);
                continue;
            }
            Expected e = bad.get(s.key());
            assertDeadLetter(o, s, e.category());
        }
        assertThat(reader.deadLetterCount()).isEqualTo(bad.size());
        assertThat(p.isRunning()).isTrue();
        assertThat(p.stats().deadLettersByCategory()).containsEntry(DeadLetterCategory.VALIDATION, 3L)
                .containsEntry(DeadLetterCategory.DESERIALIZATION, 2L);
    }

    /**
     * A value over {@code input.max-bytes} (1 MiB). Topics and producers must take such records at all, so the
     * deployment raises the input topic's and the dead-letter topic's {@code max.message.bytes} and the pipeline
     * producer's {@code max.request.size}, as an operator would; the pipeline's own internal topics are its business.
     * The oversized record follows an event of the same key that is still in flight, so in key order its dead letter
     * has to wait, in the pending store, until that event has left.
     */
    @Test
    void aValueOverTheSizeLimitBecomesAnOversizedDeadLetterAndThePipelineKeepsRunning() {
        // Slow answers: the event before the oversized record is surely still in flight when that record arrives.
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofSeconds(2)).seed(12));
        Map<String, String> big = Map.of("max.message.bytes", String.valueOf(BIG));
        PipelineFixture.Topics t = fx.topics("oversized", 1, big, big);
        OutputReader reader = fx.reader(t);
        EnrichmentPipeline p = fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB))
                .streamsProperty("producer.max.request.size", BIG).build());

        byte[] oversized = PipelineFixture.eventJson("big", "a".repeat(DecoderConfig.DEFAULT_MAX_BYTES + 10));
        List<Sent> sent = fx.send(t.input(), List.of(fx.event("big", PipelineFixture.text(1)),
                PipelineFixture.raw("big", oversized), fx.event("big", PipelineFixture.text(2)),
                fx.event("other", PipelineFixture.text(3))));
        reader.awaitAll(sent, Duration.ofSeconds(60));

        reader.assertExactlyOnce(sent, t.input());
        assertDeadLetter(reader.only(sent.get(1)), sent.get(1), DeadLetterCategory.OVERSIZED);
        for (int i : new int[] {0, 2, 3}) {
            assertThat(reader.only(sent.get(i)).kind()).isEqualTo(Kind.ENRICHED);
        }
        assertThat(p.isRunning()).isTrue();
    }

    @Test
    void avroWithAnUnknownSchemaIdBecomesADeadLetterAndThePipelineKeepsRunning() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(11));
        PipelineFixture.Topics t = fx.topics("bad-avro", 1);
        OutputReader reader = fx.reader(t);
        EnrichmentPipeline p = fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB))
                .decoder(DecoderConfig.defaults(InputFormat.AVRO)).build());

        Serializer<TextEvent> avro = AvroSerdes.specific(TextEvent.class, fx.registry(), AvroSerdeConfig.defaults())
                .serializer();
        byte[] good = avro.serialize(t.input(), new TextEvent("The concert was wonderful.", "a-1", null));
        byte[] unknownId = concat(new byte[] {0, 0, 0, 0x7a, 0x69}, new byte[] {0x08, 'h', 'e', 'y', '!', 0, 0});
        List<Sent> sent = fx.send(t.input(), List.of(
                PipelineFixture.raw("avro", good),
                PipelineFixture.raw("avro", unknownId),
                PipelineFixture.raw("avro", avro.serialize(t.input(), new TextEvent("Refund my order.", "a-2", null)))));
        reader.awaitAll(sent, Duration.ofSeconds(60));

        reader.assertExactlyOnce(sent, t.input());
        assertThat(reader.only(sent.get(0)).kind()).isEqualTo(Kind.ENRICHED);
        assertThat(reader.only(sent.get(0)).enriched().get("id")).isEqualTo("a-1");
        assertDeadLetter(reader.only(sent.get(1)), sent.get(1), DeadLetterCategory.DESERIALIZATION);
        assertThat(reader.only(sent.get(1)).deadLetter().getReason()).containsIgnoringCase("schema");
        assertThat(reader.only(sent.get(2)).kind()).isEqualTo(Kind.ENRICHED);
        assertThat(p.isRunning()).isTrue();
    }

    private static void assertDeadLetter(Output o, Sent s, DeadLetterCategory category) {
        assertThat(o.kind()).as("%s of %s", o, s.key()).isEqualTo(Kind.DEAD_LETTER);
        DeadLetter d = o.deadLetter();
        assertThat(d.getCategory()).as("category of %s", s.key()).isEqualTo(category);
        assertThat(d.getReason()).as("reason of %s", s.key()).isNotBlank();
        assertThat(d.getValue()).as("value of %s", s.key()).isEqualTo(s.value() == null ? null : ByteBuffer.wrap(s.value()));
        assertThat(d.getKey()).isEqualTo(ByteBuffer.wrap(s.key().getBytes(StandardCharsets.UTF_8)));
        assertThat(d.getSourcePartition()).isEqualTo(s.partition());
        assertThat(d.getSourceOffset()).isEqualTo(s.offset());
        assertThat(d.getSourceTimestamp().toEpochMilli()).isEqualTo(s.timestamp());
        assertThat(d.getHttpStatus()).isNull();
        assertThat(d.getAttempts()).isNull();
        assertThat(d.getHeaders()).extracting(h -> h.getKey()).contains("origin");
        assertThat(o.headers()).containsSubsequence(s.headers());
        assertThat(o.header(PipelineFixture.HEADER_CATEGORY)).isEqualTo(category.name());
        assertThat(o.header(PipelineFixture.HEADER_EXCEPTION)).isNotBlank();
        assertThat(o.timestamp()).isEqualTo(s.timestamp());
    }

    private record Expected(byte[] value, DeadLetterCategory category) {
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
