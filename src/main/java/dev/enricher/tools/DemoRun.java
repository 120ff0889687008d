package dev.enricher.tools;

import dev.enricher.avro.DeadLetter;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.SchemaRegistry;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The demo's traffic: sends a stream of sample events (every Nth deliberately malformed) into a running pipeline's
 * input topic and follows each one to its outcome, reading the enriched and dead-letter topics ({@code
 * read_committed}) and matching every output to its input by source partition and offset, so a duplicate is seen
 * as one and a missing output as lost.
 *
 * <p>Threads: {@link #run} is called once, on the caller's thread, which it blocks until every event has an outcome
 * or the timeout has passed. It sends from one thread of its own ({@code demo-producer}) and waits for that thread
 * before returning; the progress lines are written on the caller's thread. The pipeline is the caller's: started
 * before, closed after.
 */
public final class DemoRun {
    private static final long SEED = 42;

    /**
     * @param bootstrapServers the broker
     * @param inputTopic       where the events go
     * @param enrichedTopic    the pipeline's enriched topic
     * @param deadLetterTopic  the pipeline's dead-letter topic
     * @param events           how many events, >= 1
     * @param keys             how many distinct keys (customers), >= 1
     * @param badEvery         every Nth event is malformed JSON (a dead letter by design); 0 for none
     * @param show             how many enriched events to keep as samples, >= 0
     * @param timeout          how long to wait for the outcomes
     */
    public record Settings(String bootstrapServers, String inputTopic, String enrichedTopic, String deadLetterTopic,
                           int events, int keys, int badEvery, int show, Duration timeout) {
        public Settings {
            if (events < 1 || keys < 1 || badEvery < 0 || show < 0) {
                throw new IllegalArgumentException("events " + events + " and keys " + keys + " must be >= 1, "
                        + "badEvery " + badEvery + " and show " + show + " >= 0");
            }
        }
    }

    /**
     * What came out.
     *
     * @param events       events sent
     * @param enriched     events with an enriched record
     * @param deadLettered events with a dead letter
     * @param duplicates   outputs seen for an event that already had one
     * @param samples      the first enriched events, as many as {@link Settings#show} (shown by {@link #describe})
     * @param categories   dead letters by category, in the categories' order
     * @param seconds      from the start to the last output
     */
    public record Outcome(long events, long enriched, long deadLettered, long duplicates, List<GenericRecord> samples,
                          SortedMap<String, Integer> categories, double seconds) {
        public Outcome {
            samples = List.copyOf(samples);
            categories = Collections.unmodifiableSortedMap(new TreeMap<>(categories));
        }

        /** Events without any outcome. */
        public long lost() {
            return events - enriched - deadLettered;
        }

        /** Events with an outcome per second. */
        public long throughput() {
            return Math.round((enriched + deadLettered) / Math.max(1e-9, seconds));
        }
    }

    private final Settings settings;
    private final Deserializer<GenericRecord> enrichedReader;
    private final Deserializer<DeadLetter> deadLetterReader;
    private final LongSupplier inFlight;
    private final PrintWriter progress;
    private final boolean terminal;
    private final LongSupplier nanoTime;

    /**
     * @param registry the registry the pipeline writes its schemas to
     * @param inFlight the pipeline's API calls in flight, for the progress line
     * @param progress where the progress lines go
     * @param terminal redraw one progress line in place (a terminal), rather than print one every 2 s
     * @param nanoTime the clock of the timeout and the rates ({@code System::nanoTime})
     */
    public DemoRun(Settings settings, SchemaRegistry registry, LongSupplier inFlight, PrintWriter progress,
                   boolean terminal, LongSupplier nanoTime) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.enrichedReader = dev.enricher.serde.AvroDeserializer.mixed(registry);
        this.deadLetterReader = AvroSerdes.specific(DeadLetter.class, registry, AvroSerdeConfig.defaults())
                .deserializer();
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.terminal = terminal;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /**
     * An enriched record as a person reads it in the demo's output: a line with the record's id, its source
     * coordinates and its text, then one line per configured task, in task order, with its result as one line of
     * JSON and the model that answered (or why it has none: failed, skipped).
     *
     * <pre>
     * sample-2 (raw-events 2@0, text redacted): Organizers of the Riverton food festival said ...
     *   iab: {"audience":[{"name":"Food &amp; Drink","score":0.94}],"iab_1_0":[...],"iab_2_2":[...]}  [zlm-v1-iab-classify-edge, 1134 ms]
     *   sentiment: {"label":"neutral","score":0.53,"reasons":["festival"]}  [llama-3.1-8b-instruct-fast, 1064 ms]
     * </pre>
     *
     * @param enriched an enriched record as {@link dev.enricher.serde.AvroDeserializer#mixed} reads it
     * @return the lines, separated by {@code \n}, without a trailing one
     */
    public static String describe(GenericRecord enriched) {
        StringBuilder out = new StringBuilder();
        String id = string(enriched, "id");
        out.append(id == null ? "event" : id).append(" (").append(string(enriched, "source_topic"))
                .append(' ').append(enriched.get("source_partition")).append('@').append(enriched.get("source_offset"));
        if (Boolean.TRUE.equals(enriched.get("text_redacted"))) {
            out.append(", text redacted");
        }
        out.append("): ").append(abbreviated(string(enriched, "text"), 1_000));
        GenericRecord results = (GenericRecord) enriched.get("results");
        for (Schema.Field field : results.getSchema().getFields()) {
            String task = field.name();
            out.append("\n  ").append(task).append(": ");
            Object result = results.get(field.pos());
            if (result != null) {
                out.append(abbreviated(result instanceof IndexedRecord r ? compact(JsonRendering.record(r))
                        : String.valueOf(result), 1_500));
                GenericRecord call = acceptedCall(enriched, task);
                if (call != null) {
                    out.append("  [").append(string(call, "model")).append(", ")
                            .append(call.get("latency_ms")).append(" ms");
                    Object attempts = call.get("attempts");
                    if (attempts instanceof Integer n && n > 1) {
                        out.append(", ").append(n).append(" attempts");
                    }
                    GenericRecord longInput = entryOf(entries(enriched, "long_inputs"), task);
                    if (longInput != null) {
                        out.append(", ").append(string(longInput, "handling")).append(": ")
                                .append(longInput.get("pieces")).append(" piece")
                                .append(Integer.valueOf(1).equals(longInput.get("pieces")) ? "" : "s").append(" of ")
                                .append(longInput.get("input_length")).append(" characters");
                    }
                    out.append(']');
                }
                continue;
            }
            GenericRecord failed = entryOf(entries(enriched, "failed_tasks"), task);
            GenericRecord skipped = failed != null ? null : entryOf(entries(enriched, "skipped_tasks"), task);
            if (failed != null) {
                out.append("failed (").append(string(failed, "category")).append("): ")
                        .append(string(failed, "reason"));
            } else if (skipped != null) {
                out.append("skipped: ").append(string(skipped, "reason"));
            } else {
                out.append("no result");
            }
        }
        return out.toString();
    }

    /** {@code s} up to {@code max} characters, then how many more there are (a long article's text). */
    private static String abbreviated(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int cut = Character.isLowSurrogate(s.charAt(max)) ? max - 1 : max;
        return s.substring(0, cut) + "... [" + (s.length() - cut) + " more characters]";
    }

    /** A result as one line of JSON without its null fields (an absent hash, an empty redaction): the demo's view. */
    private static String compact(com.fasterxml.jackson.databind.JsonNode node) {
        try {
            return COMPACT.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return node.toString();
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper COMPACT =
            com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.WRITE_NULL_PROPERTIES).build();

    /** The model call whose answer became {@code task}'s result; null when it made none (or none is listed). */
    private static GenericRecord acceptedCall(GenericRecord enriched, String task) {
        GenericRecord found = null;
        for (GenericRecord call : entries(enriched, "model_calls")) {
            if (task.equals(string(call, "task")) && !Boolean.FALSE.equals(call.get("accepted"))) {
                found = call;
            }
        }
        return found;
    }

    /** The entries of the envelope's array {@code field} ({@code model_calls}, ...); empty when it has none. */
    @SuppressWarnings("unchecked")
    private static List<GenericRecord> entries(GenericRecord record, String field) {
        Object v = record.hasField(field) ? record.get(field) : null;
        return v == null ? List.of() : (List<GenericRecord>) v;
    }

    /** A string field as a Java string (a reader may give {@link org.apache.avro.util.Utf8}); null when null. */
    private static String string(GenericRecord record, String field) {
        Object v = record.get(field);
        return v == null ? null : v.toString();
    }

    private static GenericRecord entryOf(List<GenericRecord> entries, String task) {
        for (GenericRecord e : entries) {
            if (task.equals(string(e, "task"))) {
                return e;
            }
        }
        return null;
    }

    /** Sends the events and waits for their outcomes (or the timeout). */
    public Outcome run() throws InterruptedException {
        AtomicBoolean finished = new AtomicBoolean();
        EventProducer producer = new EventProducer(settings.inputTopic(), null, sent -> { }, finished::get);
        Map<String, Object> producerSettings = ClientSettings.idempotentWriter("stream-enricher-demo");
        producerSettings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        producerSettings.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Thread sender = new Thread(() -> producer.send(() -> new KafkaProducer<>(producerSettings), new Events()),
                "demo-producer");
        sender.setDaemon(true);
        sender.start();
        Tally tally = new Tally();
        long start = nanoTime.getAsLong();
        long lastOutput = start;
        long lastProgress = 0;
        long deadline = start + settings.timeout().toNanos();
        Map<String, Object> consumerSettings = ClientSettings.committedReader("stream-enricher-demo-reader");
        consumerSettings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        consumerSettings.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-reader");
        consumerSettings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerSettings)) {
            consumer.subscribe(List.of(settings.enrichedTopic(), settings.deadLetterTopic()));
            while (tally.seen.size() < settings.events() && nanoTime.getAsLong() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    tally.add(r);
                    lastOutput = nanoTime.getAsLong();
                }
                long now = nanoTime.getAsLong();
                if (now - lastProgress > (terminal ? 250_000_000L : 2_000_000_000L)) {
                    lastProgress = now;
                    printProgress(producer.acked(), tally, now - start);
                }
            }
        }
        if (terminal) {
            progress.println();
        }
        finished.set(true); // on a timeout, stop sending what would not be waited for
        sender.join(10_000);
        if (tally.spare != null && tally.samples.size() < settings.show()) {
            tally.samples.add(tally.spare);
        }
        return new Outcome(settings.events(), tally.enriched, tally.deadLettered, tally.duplicates, tally.samples,
                tally.categories, (lastOutput - start) / 1e9);
    }

    private void printProgress(long produced, Tally tally, long elapsedNanos) {
        double secs = Math.max(1e-9, elapsedNanos / 1e9);
        String line = String.format("produced %,d  enriched %,d  dead-lettered %,d  in flight %d  %,.0f events/s",
                produced, tally.enriched, tally.deadLettered, inFlight.getAsLong(),
                (tally.enriched + tally.deadLettered) / secs);
        if (terminal) {
            progress.print("\r" + line + "   ");
        } else {
            progress.println(line);
        }
        progress.flush();
    }

    /** The outcomes so far, by source coordinates. Caller's thread only. */
    private final class Tally {
        final Set<Long> seen = new HashSet<>();
        final List<GenericRecord> samples = new ArrayList<>();
        /** The sample that stands in for a long input when the run has none. */
        GenericRecord spare;
        boolean longShown;
        final SortedMap<String, Integer> categories = new TreeMap<>();
        long enriched;
        long deadLettered;
        long duplicates;

        void add(ConsumerRecord<byte[], byte[]> r) {
            if (r.topic().equals(settings.enrichedTopic())) {
                GenericRecord e = enrichedReader.deserialize(r.topic(), r.value());
                if (!seen.add(source((Integer) e.get("source_partition"), (Long) e.get("source_offset")))) {
                    duplicates++;
                    return;
                }
                enriched++;
                // The first events, and the first whose input was over a model's limit (the long articles) last.
                boolean longInput = !entries(e, "long_inputs").isEmpty();
                if (samples.size() < settings.show() - 1 || (longInput && !longShown && samples.size() < settings.show())) {
                    samples.add(e);
                    longShown |= longInput;
                } else if (spare == null && samples.size() < settings.show()) {
                    spare = e;
                }
            } else {
                DeadLetter d = deadLetterReader.deserialize(r.topic(), r.value());
                if (!seen.add(source(d.getSourcePartition(), d.getSourceOffset()))) {
                    duplicates++;
                    return;
                }
                deadLettered++;
                categories.merge(d.getCategory().name(), 1, Integer::sum);
            }
        }

        private long source(int partition, long offset) {
            return ((long) partition << 40) | offset;
        }
    }

    /** The demo's events: sample events keyed by customer, every {@code badEvery}-th cut short (not JSON). */
    private final class Events implements EventSource {
        private final SampleCorpus corpus = SampleCorpus.load();
        private int n;

        @Override
        public OutgoingEvent next() {
            if (n >= settings.events()) {
                return null;
            }
            n++;
            SampleCorpus.SampleEvent e = corpus.event(n, SEED);
            byte[] value = settings.badEvery() > 0 && n % settings.badEvery() == 0
                    ? ("{\"id\": \"" + e.id() + "\", \"text\": ").getBytes(StandardCharsets.UTF_8)
                    : e.json();
            return new OutgoingEvent(("customer-" + (n % settings.keys())).getBytes(StandardCharsets.UTF_8), value,
                    e.id());
        }
    }
}
