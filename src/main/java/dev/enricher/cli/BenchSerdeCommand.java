package dev.enricher.cli;

import dev.enricher.avro.EnrichedEvent;
import dev.enricher.avro.FollowupQuestionsResult;
import dev.enricher.avro.IabResult;
import dev.enricher.avro.ModelCall;
import dev.enricher.avro.PiiEntity;
import dev.enricher.avro.PiiResult;
import dev.enricher.avro.ScoredLabel;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerializer;
import dev.enricher.serde.InMemorySchemaRegistry;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Serializes and deserializes realistic enriched records (IAB, follow-up questions and PII with the text
 * redacted; about 600 characters of text) through the service's Avro serializer and deserializer with the
 * in-memory registry, on one thread, after a warm-up. Measures the serde's CPU cost per record: the
 * registry is answered from the cache after the first record, as in production.
 */
@Command(name = "serde", mixinStandardHelpOptions = true,
        description = "Benchmarks the Avro serializer and deserializer on enriched records; the last line is "
                + "'bench serde: records=N serialize_rps=X deserialize_rps=Y bytes_per_record=B'.")
final class BenchSerdeCommand implements Callable<Integer> {
    private static final String TOPIC = "enriched";
    /** Distinct records cycled through, so the figures are not those of one record in the CPU cache. */
    private static final int DISTINCT = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "500000", description = "Measured records (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--warmup", defaultValue = "200000",
            description = "Unmeasured records first, each serialized and deserialized, so the JIT has compiled the "
                    + "hot path (default ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() {
        if (records < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--records must be >= 1 and --warmup >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        AvroSerializer<EnrichedEvent> serializer = new AvroSerializer<>(registry, AvroSerdeConfig.defaults());
        AvroDeserializer<EnrichedEvent> deserializer = AvroDeserializer.specific(EnrichedEvent.class, registry);
        EnrichedEvent[] events = new EnrichedEvent[DISTINCT];
        byte[][] framed = new byte[DISTINCT][];
        long totalBytes = 0;
        for (int i = 0; i < DISTINCT; i++) {
            events[i] = event(i);
            framed[i] = serializer.serialize(TOPIC, events[i]);
            totalBytes += framed[i].length;
            if (!deserializer.deserialize(TOPIC, framed[i]).equals(events[i])) {
                throw new IllegalStateException("round trip changed record " + i);
            }
        }
        long bytesPerRecord = Math.round((double) totalBytes / DISTINCT);
        out.printf(Locale.ROOT, "bench serde: one thread, %d distinct records of %d text chars, %d bytes framed%n",
                DISTINCT, events[0].getText().length(), bytesPerRecord);

        long sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, events[i % DISTINCT])).getSourceOffset();
        }
        int callsAfterWarmUp = registry.totalCalls();

        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            sink += serializer.serialize(TOPIC, events[i % DISTINCT]).length;
        }
        double serializeSeconds = (System.nanoTime() - start) / 1e9;

        start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            sink += deserializer.deserialize(TOPIC, framed[i % DISTINCT]).getSourceOffset();
        }
        double deserializeSeconds = (System.nanoTime() - start) / 1e9;

        out.printf(Locale.ROOT, "bench serde: registry calls during the measurement: %d (checksum %d)%n",
                registry.totalCalls() - callsAfterWarmUp, sink);
        out.printf(Locale.ROOT, "bench serde: records=%d serialize_rps=%d deserialize_rps=%d bytes_per_record=%d%n",
                records, Math.round(records / serializeSeconds), Math.round(records / deserializeSeconds),
                bytesPerRecord);
        return 0;
    }

    private static final String TEXT = "Hi, this is [PERSON] from the Alpine Gear store in [LOCATION]. Following up "
            + "on your order of the Trailblazer hiking boots and the waterproof shell jacket: both shipped this "
            + "morning and should arrive by Friday. If the boots feel tight, you can exchange them for a half size "
            + "up free of charge within 30 days; just reply to this message or call us at [PHONE_NUMBER]. We also "
            + "added a sample of our new merino hiking socks, which customers say prevent blisters on long descents. "
            + "Planning a trip to the Dolomites this summer? Our guides run weekend courses on via ferrata basics "
            + "and mountain safety, with small groups and all equipment included. Questions: [EMAIL].";

    /** A record as the service writes it with the IAB, follow-up and PII (redact) tasks configured. */
    static EnrichedEvent event(long offset) {
        return EnrichedEvent.newBuilder()
                .setId("evt-" + offset)
                .setSourceTopic("raw-messages")
                .setSourcePartition((int) (offset % 12))
                .setSourceOffset(offset)
                .setSourceTimestamp(Instant.ofEpochMilli(1_764_000_000_000L + offset))
                .setText(TEXT)
                .setTextRedacted(true)
                .setAttributes(Map.of("channel", "email", "lang", "en"))
                .setIab(Map.of("iab", IabResult.newBuilder()
                        .setAudience(List.of(new ScoredLabel("Outdoor Enthusiasts", 0.93),
                                new ScoredLabel("Hikers", 0.88), new ScoredLabel("Travelers", 0.61)))
                        .setIab10(List.of(new ScoredLabel("Hobbies & Interests", 0.82),
                                new ScoredLabel("Sports", 0.77), new ScoredLabel("Travel", 0.54)))
                        .setIab22(List.of(new ScoredLabel("Outdoor Activities", 0.9),
                                new ScoredLabel("Hiking", 0.86), new ScoredLabel("Apparel and Accessories", 0.58)))
                        .build()))
                .setFollowupQuestions(Map.of("followups", new FollowupQuestionsResult(List.of(
                        "Can I exchange the boots for a different size?",
                        "When does the via ferrata course run?",
                        "Are the merino socks sold separately?"))))
                .setPii(Map.of("pii", PiiResult.newBuilder()
                        .setEntities(List.of(new PiiEntity("Anna Berger", "person", 12, 23, 0.98),
                                new PiiEntity("Innsbruck", "location", 55, 64, 0.91),
                                new PiiEntity("+43 512 123456", "phone_number", 395, 409, 0.97),
                                new PiiEntity("service@alpinegear.example", "email", 640, 666, 0.99)))
                        .setEntitiesByLabel(Map.of("person", List.of("Anna Berger"), "location", List.of("Innsbruck"),
                                "phone_number", List.of("+43 512 123456"), "email", List.of("service@alpinegear.example")))
                        .setRedactedText(TEXT)
                        .build()))
                .setModelCalls(List.of(
                        call("iab", "zlm-v1-iab-classify-edge", offset, 180, 95, 120),
                        call("followups", "zlm-v1-followup-questions-edge", offset, 170, 48, 240),
                        call("pii", "gliner-multi-pii-v1", offset, 160, 210, 90)))
                .setEnrichedAt(Instant.ofEpochMilli(1_764_000_000_400L + offset))
                .build();
    }

    private static ModelCall call(String task, String model, long offset, int prompt, int completion, long latency) {
        return ModelCall.newBuilder().setTask(task).setModel(model)
                .setCompletionId("chatcmpl-" + task + "-" + offset).setRequestId("req-" + Long.toHexString(offset * 31 + 7))
                .setPromptTokens(prompt).setCompletionTokens(completion).setLatencyMs(latency).setAttempts(1).build();
    }
}
