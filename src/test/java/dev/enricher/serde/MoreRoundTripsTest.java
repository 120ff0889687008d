package dev.enricher.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.avro.Header;
import dev.enricher.avro.TextResult;
import dev.enricher.avro.ThinkingResult;
import dev.enricher.avro.ThinkingSplit;
import dev.enricher.testing.RandomInputs;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MoreRoundTripsTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void deadLetterKeepsBytesAndRepeatedHeadersExactly() {
        byte[] value = {0, 1, 2, (byte) 0xff};
        DeadLetter letter = DeadLetter.newBuilder()
                .setKey(ByteBuffer.wrap("k".getBytes())).setValue(ByteBuffer.wrap(value))
                .setSourceTopic("raw").setSourcePartition(0).setSourceOffset(12).setSourceTimestamp(Instant.ofEpochMilli(5))
                .setHeaders(List.of(new Header("h", ByteBuffer.wrap(new byte[] {1})), new Header("h", null)))
                .setCategory(DeadLetterCategory.RESPONSE_UNPARSEABLE).setReason("answer was not JSON")
                .setTask("iab").setModel("zlm-v1-iab-classify-edge").setHttpStatus(200).setAttempts(1)
                .setRawContent("{not json").build();
        var serde = AvroSerdes.specific(DeadLetter.class, registry, AvroSerdeConfig.defaults());

        DeadLetter back = serde.deserializer().deserialize("dlq", serde.serializer().serialize("dlq", letter));

        assertThat(back).isEqualTo(letter);
        assertThat(back.getHeaders()).extracting(Header::getKey).containsExactly("h", "h");
        byte[] read = new byte[back.getValue().remaining()];
        back.getValue().duplicate().get(read);
        assertThat(read).isEqualTo(value);
    }

    static Stream<Long> seeds() {
        return RandomInputs.seeds(100);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void arbitraryTextsAndResultsKeyedByTaskNameSurvive(long seed) {
        Random random = new Random(seed);
        List<String> strings = RandomInputs.strings(seed, 6);
        Schema schema = dev.enricher.topology.OutputSchema.of(List.of(
                TaskFactory.create(new TaskSpec("summary", TaskType.TEXT_GENERATION, null, Map.of())),
                TaskFactory.create(new TaskSpec("title", TaskType.TEXT_GENERATION, null, Map.of())),
                TaskFactory.create(TaskSpec.of(TaskType.THINKING))));
        GenericData.Record results = new GenericData.Record(schema.getField("results").schema());
        results.put("summary", new TextResult(strings.get(1), random.nextBoolean() ? null : "stop",
                random.nextBoolean()));
        results.put("title", new TextResult(strings.get(2), "length", true));
        results.put("thinking", new ThinkingResult(strings.get(5), null, ThinkingSplit.NONE, false));
        GenericRecord template = Events.enriched(seed);
        GenericData.Record event = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            event.put(f.name(), template.get(f.name()));
        }
        event.put("text", strings.get(0));
        event.put("attributes", Map.of(strings.get(3), strings.get(4)));
        event.put("results", results);
        event.put("model_calls", List.of());
        var serde = AvroSerdes.generic(registry, AvroSerdeConfig.defaults());
        var reader = AvroDeserializer.mixed(registry);

        // Strings with unpaired surrogates are not valid UTF-8: Avro replaces them, as any UTF-8 encoder does.
        GenericRecord back = reader.deserialize("e", serde.serializer().serialize("e", event));
        GenericRecord twice = reader.deserialize("e", serde.serializer().serialize("e", back));

        assertThat(twice).isEqualTo(back);
        assertThat(dev.enricher.topology.EnrichedRecords.answered(back)).containsExactly("summary", "title", "thinking");
        assertThat(back.get("source_offset")).isEqualTo(seed);
    }

    @Test
    void oneSerdeServesManyThreads() throws Exception {
        var serde = AvroSerdes.generic(registry, AvroSerdeConfig.defaults());
        var reader = AvroDeserializer.mixed(registry);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        GenericRecord e = Events.enriched(thread * 1_000L + i);
                        byte[] bytes = serde.serializer().serialize("e", e);
                        if (!reader.deserialize("e", bytes).equals(e)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.versions("e-value")).hasSize(1);
        assertThat(Arrays.asList(registry.subjects())).hasSize(1);
    }
}
