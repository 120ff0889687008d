package dev.enricher.bench;

import dev.enricher.client.ModelCatalog;
import dev.enricher.client.ModelSpec;
import dev.enricher.client.Usage;
import dev.enricher.topology.EnrichedRecords;
import org.apache.avro.generic.GenericRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.avro.DeadLetter;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.SchemaRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the enriched and dead-letter topics from the beginning with a {@code read_committed} consumer, on its own
 * thread, and accounts for every output by its input's source partition and offset: how many inputs have an
 * output, which have more than one, when each was read and how long after its input's timestamp.
 *
 * <p>The calls of each measured event, from its enriched record's {@code model_calls}: the ones made (and the requests
 * they took, retries included) and the ones not made because the answer was stored or on its way for an identical call
 * ({@code cached}), and what the ones made cost: their tokens at the default catalog's prices. Exact for the measured
 * events, whatever the warm-up's calls still did when the measurement began.
 *
 * <p>Added latency, for the open loop: each measured event's end-to-end latency less the API's own time for it, its
 * calls' critical path from {@code model_calls} (the records carry each call's {@code latency_ms}, not when it
 * started): the pieces of one task go out at once, so a task takes its slowest piece; a refused answer sent back for
 * repair comes before the accepted one, so a piece's calls add up; the benchmark's tasks depend on none other, so the
 * event takes its slowest task. A call answered from the stored results or by an identical call ({@code cached}) took
 * no API time of its own. Next to it the stricter figure, end-to-end less {@code apiLatencyMs} per sequential round of
 * calls: what the simulator itself spends, so that the client's own time over it counts as added too. A dead letter
 * records no calls: one round of {@code apiLatencyMs} is taken off.
 *
 * <p>Only measured events (ids starting with {@link #MEASURED_PREFIX}; warm-up events have other ids) count in the
 * figures; of the others only the calls per enriched event are counted ({@link #unmeasuredCalls}), for the open loop's
 * rate.
 *
 * <p>Threads: {@link #start} starts the reader thread; {@link #awaitMeasured} and {@link #lastProgressNanos} may be
 * called from any thread; {@link #summary} only after {@link #close} (which stops and joins the reader).
 */
final class OutputTracker implements AutoCloseable {
    static final String MEASURED_PREFIX = "m-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer<GenericRecord> enrichedReader;
    private final AvroDeserializer<DeadLetter> deadLetterReader;
    private final String enrichedTopic;
    private final Thread thread;
    private final Object progress = new Object();
    private volatile boolean running = true;
    private volatile RuntimeException failure;
    private volatile int measuredDone;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile long firstOutputs;
    private final long apiLatencyMs;
    private volatile long unmeasuredEnriched;
    private volatile long unmeasuredRequests;

    // Owned by the reader thread; read by summary() after the thread has been joined.
    private final Map<Long, Integer> outputsBySource = new HashMap<>();
    private long enriched;
    private long deadLettered;
    private long measuredDuplicates;
    private long firstNanos;
    private int firstBatch;
    private long lastNanos;
    private long callsMade;
    private long requests;
    private long callsSaved;
    private double costUsd;
    private double costSavedUsd;
    private final ModelCatalog prices = ModelCatalog.defaults();
    private final Histogram endToEndMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final Histogram beforeCallMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final Histogram callMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final Histogram afterOutputMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final Histogram addedMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    private final Histogram addedRoundsMicros = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);

    private OutputTracker(String bootstrap, String enrichedTopic, String deadLetterTopic, SchemaRegistry registry,
                          long apiLatencyMs) {
        this.apiLatencyMs = apiLatencyMs;
        Properties p = readCommitted(bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "bench-output-reader");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.enrichedReader = AvroDeserializer.mixed(registry);
        this.deadLetterReader = AvroDeserializer.specific(DeadLetter.class, registry);
        this.enrichedTopic = enrichedTopic;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(enrichedTopic, deadLetterTopic)) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::readLoop, "bench-output-reader");
        this.thread.setDaemon(true);
    }

    /**
     * The settings of a benchmark's output reader: {@code read_committed} from the beginning, no group and no
     * commits, and fetches the broker does not hold back: it would hold one up to 500 ms when nothing is committed
     * yet, and that wait is the reader's, not the pipeline's.
     */
    static Properties readCommitted(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return p;
    }

    /** Starts reading; the topics must exist. The added-latency figures then take no API round off (L = 0). */
    static OutputTracker start(String bootstrap, String enrichedTopic, String deadLetterTopic, SchemaRegistry registry) {
        return start(bootstrap, enrichedTopic, deadLetterTopic, registry, 0);
    }

    /**
     * Starts reading; the topics must exist.
     *
     * @param apiLatencyMs the API's fixed latency per call (the simulator's L), for the stricter added latency and the
     *                     dead letters'
     */
    static OutputTracker start(String bootstrap, String enrichedTopic, String deadLetterTopic, SchemaRegistry registry,
                               long apiLatencyMs) {
        OutputTracker t = new OutputTracker(bootstrap, enrichedTopic, deadLetterTopic, registry, apiLatencyMs);
        t.thread.start();
        return t;
    }

    /** Inputs (of any phase) with at least one output read so far: what a closed-loop load counts as finished. */
    long firstOutputs() {
        return firstOutputs;
    }

    /**
     * Of the events not measured (warm-up) with an enriched first output so far: {events, API requests of their
     * {@code model_calls}, retried attempts included, cached answers not}. Their quotient is the calls per event the
     * API had to serve.
     */
    long[] unmeasuredCalls() {
        synchronized (progress) {
            return new long[] {unmeasuredEnriched, unmeasuredRequests};
        }
    }

    /** System.nanoTime() of the last new output (any phase), or of the start. */
    long lastProgressNanos() {
        return lastProgressNanos;
    }

    /**
     * Waits until {@code n} measured inputs have an output, or until no new output came for {@code stall}.
     *
     * @return true when all {@code n} are there
     * @throws IllegalStateException when the reader failed
     */
    boolean awaitMeasured(int n, Duration stall) throws InterruptedException {
        synchronized (progress) {
            while (measuredDone < n) {
                if (failure != null) {
                    throw new IllegalStateException("reading the output failed: " + failure.getMessage(), failure);
                }
                long idle = System.nanoTime() - lastProgressNanos;
                if (idle >= stall.toNanos()) {
                    return false;
                }
                progress.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(stall.toNanos() - idle)));
            }
        }
        return true;
    }

    private void readLoop() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                long readNanos = System.nanoTime();
                long readMillis = System.currentTimeMillis();
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    any |= account(r, readNanos, readMillis);
                }
                if (any) {
                    lastProgressNanos = readNanos;
                    synchronized (progress) {
                        progress.notifyAll();
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // close()
        } catch (RuntimeException e) {
            failure = e;
            synchronized (progress) {
                progress.notifyAll();
            }
        }
    }

    /** Returns true when {@code r} is the first output of its input. */
    private boolean account(ConsumerRecord<byte[], byte[]> r, long readNanos, long readMillis) {
        boolean isEnriched = r.topic().equals(enrichedTopic);
        int partition;
        long offset;
        long sourceTimestamp;
        String id;
        GenericRecord event = null;
        long outputAt;
        if (isEnriched) {
            event = enrichedReader.deserialize(r.topic(), r.value());
            partition = (Integer) event.get("source_partition");
            offset = (Long) event.get("source_offset");
            sourceTimestamp = EnrichedRecords.millis(event, "source_timestamp");
            id = EnrichedRecords.string(event, "id");
            outputAt = EnrichedRecords.millis(event, "enriched_at");
        } else {
            DeadLetter letter = deadLetterReader.deserialize(r.topic(), r.value());
            partition = letter.getSourcePartition();
            offset = letter.getSourceOffset();
            sourceTimestamp = letter.getSourceTimestamp().toEpochMilli();
            id = idOf(letter.getValue());
            outputAt = letter.getDeadLetteredAt() == null ? -1 : letter.getDeadLetteredAt().toEpochMilli();
        }
        long source = ((long) partition << 48) | offset;
        int count = outputsBySource.merge(source, 1, Integer::sum);
        boolean measured = id != null && id.startsWith(MEASURED_PREFIX);
        if (count == 1) {
            firstOutputs++; // single writer: the reader thread
        }
        if (count > 1) {
            if (measured && count == 2) {
                measuredDuplicates++;
            }
            return false;
        }
        if (!measured) {
            if (event != null) {
                long req = 0;
                for (GenericRecord c : EnrichedRecords.modelCalls(event)) {
                    req += requestsOf(c);
                }
                synchronized (progress) {
                    unmeasuredEnriched++;
                    unmeasuredRequests += req;
                }
            }
            return true;
        }
        if (isEnriched) {
            enriched++;
        } else {
            deadLettered++;
        }
        if (firstNanos == 0) {
            firstNanos = readNanos;
        }
        if (readNanos == firstNanos) {
            firstBatch++;
        }
        lastNanos = readNanos;
        long endToEndMillis = Math.max(0, readMillis - sourceTimestamp);
        endToEndMicros.recordValue(endToEndMillis * 1000);
        long[] api = event == null ? new long[] {apiLatencyMs, 1} : apiCriticalPath(EnrichedRecords.modelCalls(event));
        addedMicros.recordValue(Math.max(0, endToEndMillis - api[0]) * 1000);
        addedRoundsMicros.recordValue(Math.max(0, endToEndMillis - api[1] * apiLatencyMs) * 1000);
        if (outputAt > 0) {
            afterOutputMicros.recordValue(Math.max(0, readMillis - outputAt) * 1000);
        }
        if (event != null) {
            long call = 0;
            for (GenericRecord c : EnrichedRecords.modelCalls(event)) {
                call = Math.max(call, (Long) c.get("latency_ms"));
                accountCall(c);
            }
            callMicros.recordValue(call * 1000);
            beforeCallMicros.recordValue(Math.max(0, outputAt - sourceTimestamp - call) * 1000);
        }
        measuredDone++;
        return true;
    }

    /** One {@code model_calls} entry of a measured event: made or saved, and at what price. */
    private void accountCall(GenericRecord c) {
        boolean cached = c.hasField("cached") && Boolean.TRUE.equals(c.get("cached"));
        double cost = cost(c);
        if (cached) {
            callsSaved++;
            costSavedUsd += cost;
        } else {
            callsMade++;
            requests += requestsOf(c);
            costUsd += cost;
        }
    }

    /** The requests a made call took (its attempts); 0 for a cached answer. */
    private static long requestsOf(GenericRecord c) {
        if (c.hasField("cached") && Boolean.TRUE.equals(c.get("cached"))) {
            return 0;
        }
        return c.hasField("attempts") && c.get("attempts") instanceof Integer a ? Math.max(1, a) : 1;
    }

    /**
     * The API's own time for an event from its {@code model_calls}: {critical path in ms, sequential rounds}. Per task
     * and piece the calls add up (repairs come one after the other), a task takes its slowest piece (pieces go out at
     * once), the event its slowest task (the benchmark's tasks are independent). Cached answers count nothing.
     */
    static long[] apiCriticalPath(List<GenericRecord> calls) {
        Map<String, long[]> byTaskAndPiece = new HashMap<>();
        for (GenericRecord c : calls) {
            if (c.hasField("cached") && Boolean.TRUE.equals(c.get("cached"))) {
                continue;
            }
            Object piece = c.hasField("piece") ? c.get("piece") : null;
            long[] path = byTaskAndPiece.computeIfAbsent(EnrichedRecords.string(c, "task") + "#" + piece,
                    k -> new long[2]);
            path[0] += (Long) c.get("latency_ms");
            path[1]++;
        }
        long millis = 0;
        long rounds = 0;
        for (long[] path : byTaskAndPiece.values()) {
            millis = Math.max(millis, path[0]);
            rounds = Math.max(rounds, path[1]);
        }
        return new long[] {millis, rounds};
    }

    /** The entry's tokens at the catalog's price of its model; 0 when either is unknown. */
    private double cost(GenericRecord c) {
        Object prompt = c.hasField("prompt_tokens") ? c.get("prompt_tokens") : null;
        Object completion = c.hasField("completion_tokens") ? c.get("completion_tokens") : null;
        if (prompt == null && completion == null) {
            return 0;
        }
        long p = prompt instanceof Number n ? n.longValue() : 0;
        long q = completion instanceof Number n ? n.longValue() : 0;
        Usage usage = new Usage(p, q, p + q);
        return prices.find(EnrichedRecords.string(c, "model")).map((ModelSpec m) -> m.costUsd(usage)).orElse(0.0);
    }

    private static String idOf(ByteBuffer value) {
        if (value == null) {
            return null;
        }
        byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        try {
            JsonNode id = JSON.readTree(bytes).get("id");
            return id == null ? null : id.asText();
        } catch (IOException e) {
            return null; // not our JSON: not a measured event
        }
    }

    /** The figures of the measured events; call after {@link #close}. */
    Summary summary() {
        if (thread.isAlive()) {
            throw new IllegalStateException("summary() before close()");
        }
        return new Summary(measuredDone, enriched, deadLettered, measuredDuplicates,
                lastNanos > firstNanos ? (lastNanos - firstNanos) / 1e9 : 0, measuredDone - firstBatch, endToEndMicros, beforeCallMicros,
                callMicros, afterOutputMicros, new Calls(callsMade, requests, callsSaved, costUsd, costSavedUsd),
                addedMicros, addedRoundsMicros);
    }

    /** Stops the reader, waits for it, closes the consumer. Idempotent. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * What the reader saw of the measured events.
     *
     * @param withOutput        inputs with at least one output
     * @param enriched          of those, inputs whose first output was an enriched record
     * @param deadLettered      of those, inputs whose first output was a dead letter
     * @param duplicates        inputs with more than one output
     * @param windowSeconds     from the first to the last first-output read
     * @param inWindow          first outputs read after the first poll that returned one: what the window's
     *                          throughput counts (the first poll's records arrived before the window opened)
     * @param endToEndMicros    input timestamp to output read, per input (millisecond resolution)
     * @param beforeCallMicros  enriched_at minus input timestamp minus the slowest call: waiting for a call slot,
     *                          admission, and the engine's work before and after the call
     * @param callMicros        the slowest call of the event as the engine timed it
     * @param afterOutputMicros enriched_at (or dead_lettered_at) to output read: commit, visibility and the reader
     * @param calls             the model calls of the enriched measured events
     * @param addedMicros       end-to-end less the API's own time: its calls' critical path ({@link #apiCriticalPath};
     *                          millisecond resolution, floored at 0)
     * @param addedRoundsMicros end-to-end less L per sequential round of calls (0 when the tracker has no L)
     */
    record Summary(int withOutput, long enriched, long deadLettered, long duplicates, double windowSeconds,
                   int inWindow,
                   Histogram endToEndMicros, Histogram beforeCallMicros, Histogram callMicros,
                   Histogram afterOutputMicros, Calls calls, Histogram addedMicros, Histogram addedRoundsMicros) {
    }

    /**
     * The model calls of the enriched measured events (first outputs only; a dead-lettered event's calls are in no
     * record and not counted).
     *
     * @param made         calls made and answered: {@code model_calls} entries not cached (a refused answer sent back
     *                     for repair counts, as it was paid)
     * @param requests     the requests those took, retried attempts included: what the API got for these events
     * @param saved        calls not made: entries answered from the stored call results or by an identical call in
     *                     flight ({@code cached})
     * @param costUsd      the tokens of the calls made at the default catalog's prices, US dollars
     * @param savedCostUsd the tokens of the saved calls' answers (what they cost when paid for) at the same prices
     */
    record Calls(long made, long requests, long saved, double costUsd, double savedCostUsd) {
    }
}
