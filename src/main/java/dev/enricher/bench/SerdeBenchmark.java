package dev.enricher.bench;

import dev.enricher.avro.FollowupQuestionsResult;
import dev.enricher.avro.IabResult;
import dev.enricher.avro.PiiEntity;
import dev.enricher.avro.PiiResult;
import dev.enricher.avro.ScoredLabel;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerializer;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.topology.OutputSchema;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * The serde benchmark of {@code stream-enricher bench serde}: realistic enriched records (IAB, follow-up questions
 * and PII with the text redacted; about 600 characters of text) serialized and deserialized through the service's
 * Avro serializer and deserializer with the in-memory registry, on one thread, after a warm-up. Measures the serde's
 * CPU cost per record: the registry is answered from the cache after the first record, as in production.
 *
 * <p>One run per instance, on the calling thread; prints to the writer given, the summary line last.
 */
public final class SerdeBenchmark {
    private static final String TOPIC = "enriched";
    /** The enriched record's schema with the IAB, follow-up and PII (redact) tasks. */
    public static final Schema SAMPLE_SCHEMA = OutputSchema.of(List.of(
            TaskFactory.create(TaskSpec.of(TaskType.IAB)),
            TaskFactory.create(TaskSpec.of(TaskType.FOLLOWUP_QUESTIONS)),
            TaskFactory.create(new TaskSpec("pii", TaskType.PII, null, Map.of("usecase", "redact")))));
    /** Distinct records cycled through, so the figures are not those of one record in the CPU cache. */
    private static final int DISTINCT = 1024;

    /**
     * What to run.
     *
     * @param records measured records
     * @param warmup  unmeasured records first, each serialized and deserialized
     */
    public record Options(int records, int warmup) {
    }

    private final Options o;
    private final PrintWriter out;

    public SerdeBenchmark(Options options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    /**
     * Runs and prints the figures, the last line {@code bench serde: records=N ...}.
     *
     * @return the exit code, 0
     * @throws IllegalStateException when a round trip changed a record
     */
    public int run() {
        int records = o.records();
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(registry, AvroSerdeConfig.defaults());
        AvroDeserializer<GenericRecord> deserializer = AvroDeserializer.mixed(registry);
        GenericRecord[] events = new GenericRecord[DISTINCT];
        byte[][] framed = new byte[DISTINCT][];
        long totalBytes = 0;
        for (int i = 0; i < DISTINCT; i++) {
            events[i] = sampleRecord(i);
            framed[i] = serializer.serialize(TOPIC, events[i]);
            totalBytes += framed[i].length;
            if (!deserializer.deserialize(TOPIC, framed[i]).equals(events[i])) {
                throw new IllegalStateException("round trip changed record " + i);
            }
        }
        long bytesPerRecord = Math.round((double) totalBytes / DISTINCT);
        out.printf(Locale.ROOT, "bench serde: one thread, %d distinct records of %d text chars, %d bytes framed%n",
                DISTINCT, events[0].get("text").toString().length(), bytesPerRecord);

        long sink = 0;
        for (int i = 0; i < o.warmup(); i++) {
            sink += (Long) deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, events[i % DISTINCT])).get("source_offset");
        }
        int callsAfterWarmUp = registry.totalCalls();

        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            sink += serializer.serialize(TOPIC, events[i % DISTINCT]).length;
        }
        double serializeSeconds = (System.nanoTime() - start) / 1e9;

        start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            sink += (Long) deserializer.deserialize(TOPIC, framed[i % DISTINCT]).get("source_offset");
        }
        double deserializeSeconds = (System.nanoTime() - start) / 1e9;

        out.printf(Locale.ROOT, "bench serde: registry calls during the measurement: %d (checksum %d)%n",
                registry.totalCalls() - callsAfterWarmUp, sink);
        out.printf(Locale.ROOT, "bench serde: records=%d serialize_rps=%d deserialize_rps=%d bytes_per_record=%d%n",
                records, Math.round(records / serializeSeconds), Math.round(records / deserializeSeconds),
                bytesPerRecord);
        out.flush();
        return 0;
    }

    private static final String TEXT = "Hi, this is [PERSON] from the Alpine Gear store in [LOCATION]. Following up "
            + "on your order of the Trailblazer hiking boots and the waterproof shell jacket: both shipped this "
            + "morning and should arrive by Friday. If the boots feel tight, you can exchange them for a half size "
            + "up free of charge within 30 days; just reply to this message or call us at [PHONE_NUMBER]. We also "
            + "added a sample of our new merino hiking socks, which customers say prevent blisters on long descents. "
            + "Planning a trip to the Dolomites this summer? Our guides run weekend courses on via ferrata basics "
            + "and mountain safety, with small groups and all equipment included. Questions: [EMAIL].";

    /**
     * A record as the service writes it with the IAB, follow-up and PII (redact) tasks configured, about 600
     * characters of text; {@code offset} varies its id, source coordinates, timestamps and call ids. Also sample
     * data for other commands' tests. Its timestamps are {@link Instant}s, as {@link AvroDeserializer#mixed} reads
     * them back, so a round trip gives an equal record.
     */
    public static GenericRecord sampleRecord(long offset) {
        GenericData.Record results = new GenericData.Record(SAMPLE_SCHEMA.getField(OutputSchema.RESULTS).schema());
        results.put("iab", IabResult.newBuilder()
                .setAudience(List.of(new ScoredLabel("Outdoor Enthusiasts", 0.93),
                        new ScoredLabel("Hikers", 0.88), new ScoredLabel("Travelers", 0.61)))
                .setIab10(List.of(new ScoredLabel("Hobbies & Interests", 0.82),
                        new ScoredLabel("Sports", 0.77), new ScoredLabel("Travel", 0.54)))
                .setIab22(List.of(new ScoredLabel("Outdoor Activities", 0.9),
                        new ScoredLabel("Hiking", 0.86), new ScoredLabel("Apparel and Accessories", 0.58)))
                .build());
        results.put("followups", new FollowupQuestionsResult(List.of(
                "Can I exchange the boots for a different size?",
                "When does the via ferrata course run?",
                "Are the merino socks sold separately?")));
        results.put("pii", PiiResult.newBuilder()
                .setEntities(List.of(new PiiEntity("Anna Berger", "person", 12, 23, 0.98, null),
                        new PiiEntity("Innsbruck", "location", 55, 64, 0.91, null),
                        new PiiEntity("+43 512 123456", "phone_number", 395, 409, 0.97, null),
                        new PiiEntity("service@alpinegear.example", "email", 640, 666, 0.99, null)))
                .setEntitiesByLabel(Map.of("person", List.of("Anna Berger"), "location", List.of("Innsbruck"),
                        "phone_number", List.of("+43 512 123456"), "email", List.of("service@alpinegear.example")))
                .setRedactedText(TEXT)
                .build());
        GenericData.Record e = new GenericData.Record(SAMPLE_SCHEMA);
        e.put("id", "evt-" + offset);
        e.put("source_topic", "raw-messages");
        e.put("source_partition", (int) (offset % 12));
        e.put("source_offset", offset);
        e.put("source_timestamp", Instant.ofEpochMilli(1_764_000_000_000L + offset));
        e.put("text", TEXT);
        e.put("text_redacted", true);
        e.put("attributes", Map.of("channel", "email", "lang", "en"));
        e.put(OutputSchema.RESULTS, results);
        e.put("model_calls", List.of(
                call("iab", "zlm-v1-iab-classify-edge", offset, 180, 95, 120),
                call("followups", "zlm-v1-followup-questions-edge", offset, 170, 48, 240),
                call("pii", "gliner-multi-pii-v1", offset, 160, 210, 90)));
        e.put("failed_tasks", List.of());
        e.put("skipped_tasks", List.of());
        e.put("long_inputs", List.of());
        e.put("cost_usd", 0.0);
        e.put("enriched_at", Instant.ofEpochMilli(1_764_000_000_400L + offset));
        return e;
    }

    private static GenericRecord call(String task, String model, long offset, int prompt, int completion,
                                      long latency) {
        GenericData.Record c = new GenericData.Record(SAMPLE_SCHEMA.getField("model_calls").schema().getElementType());
        c.put("task", task);
        c.put("model", model);
        c.put("completion_id", "chatcmpl-" + task + "-" + offset);
        c.put("request_id", "req-" + Long.toHexString(offset * 31 + 7));
        c.put("prompt_tokens", prompt);
        c.put("completion_tokens", completion);
        c.put("latency_ms", latency);
        c.put("attempts", 1);
        c.put("accepted", true);
        c.put("cached", false);
        return c;
    }
}
