package dev.enricher.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.EnrichedEvent;
import dev.enricher.client.ApiKey;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.RetryPolicy;
import dev.enricher.engine.EngineConfig;
import dev.enricher.it.Sent.Hdr;
import dev.enricher.local.EmbeddedKafka;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.RecordAssembler;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What every pipeline integration test needs: a real broker (the in-process KRaft one, or any bootstrap address),
 * the simulator, a schema registry, topics, a producer of JSON events and a reader of the outputs. Every server is
 * on 127.0.0.1; {@link #close} stops everything it started, pipelines first.
 */
final class PipelineFixture implements AutoCloseable {
    /** The only key the simulator accepts; no log line or output may ever show it. */
    static final String API_KEY = "zgpu-api-it-7c41e98f0d2b";

    /** KIP-1034's header names, kept by the dead letters for tooling, and the project's category header. */
    static final String HEADER_EXCEPTION = RecordAssembler.HEADER_EXCEPTION;
    static final String HEADER_CATEGORY = RecordAssembler.HEADER_CATEGORY;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Path dir;
    private final Path kafkaDir;
    private EmbeddedKafka kafka;
    private final String bootstrapServers;
    private Simulator simulator;
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final AtomicInteger nextId = new AtomicInteger();

    private PipelineFixture(Path dir, Path kafkaDir, EmbeddedKafka kafka, String bootstrapServers,
                            SimulatorConfig.Builder sim) {
        this.dir = dir;
        this.kafkaDir = kafkaDir;
        this.kafka = kafka;
        this.bootstrapServers = bootstrapServers;
        this.simulator = Simulator.start(sim.acceptedApiKey(API_KEY).build());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A fixture on a new in-process broker whose data lives in {@code dir/kafka} (so it can be restarted). */
    static PipelineFixture embedded(Path dir, SimulatorConfig.Builder sim) {
        Path kafkaDir = dir.resolve("kafka");
        EmbeddedKafka kafka = EmbeddedKafka.start(kafkaDir, 0);
        try {
            return new PipelineFixture(dir, kafkaDir, kafka, kafka.bootstrapServers(), sim);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    /** A fixture on a broker someone else runs (a container). */
    static PipelineFixture external(String bootstrapServers, Path dir, SimulatorConfig.Builder sim) {
        return new PipelineFixture(dir, null, null, bootstrapServers, sim);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Simulator simulator() {
        return simulator;
    }

    SchemaRegistry registry() {
        return registry;
    }

    Admin admin() {
        return admin;
    }

    /** The three topics of one pipeline. */
    record Topics(String input, String enriched, String deadLetters) {
    }

    /** Creates input, enriched and dead-letter topics named after {@code name}, each with {@code partitions}. */
    Topics topics(String name, int partitions) {
        return topics(name, partitions, Map.of(), Map.of());
    }

    /** As {@link #topics(String, int)}, with topic configs for the input and for both outputs. */
    Topics topics(String name, int partitions, Map<String, String> inputConfigs, Map<String, String> outputConfigs) {
        String n = name + "-" + NAMES.incrementAndGet();
        Topics t = new Topics(n + "-raw", n + "-enriched", n + "-dlq");
        createTopic(t.input(), partitions, inputConfigs);
        createTopic(t.enriched(), partitions, outputConfigs);
        createTopic(t.deadLetters(), partitions, outputConfigs);
        return t;
    }

    void createTopic(String topic, int partitions, Map<String, String> configs) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create " + topic, e);
        }
        await("leaders of " + topic).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptions().until(() -> admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(5, TimeUnit.SECONDS).get(topic).partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
    }

    /** The tasks of {@code types} with their default names; PII redacts. */
    static List<EnrichmentTask> tasks(TaskType... types) {
        List<EnrichmentTask> l = new ArrayList<>();
        for (TaskType t : types) {
            Map<String, Object> options = t == TaskType.PII ? Map.of("usecase", "redact") : Map.of();
            l.add(TaskFactory.create(new TaskSpec(null, t, null, options)));
        }
        return l;
    }

    /** Short retries for tests: 10 attempts, 10 ms doubling to 200 ms, Retry-After cut to 500 ms, 60 s in all. */
    static RetryPolicy fastRetries() {
        return new RetryPolicy(10, Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofMillis(500),
                Duration.ofSeconds(60));
    }

    static EngineConfig engine() {
        return EngineConfig.defaults().withRetry(fastRetries())
                .withProbeInterval(Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    /**
     * Settings for a pipeline over {@code t}: a new application id, the state in {@code dir/<stateName>}, fast
     * retries, commits every 100 ms and a short session timeout (so a member that leaves is noticed in seconds).
     */
    PipelineSettings.Builder settings(Topics t, String stateName, List<EnrichmentTask> tasks) {
        return PipelineSettings.builder()
                .applicationId("it-" + t.input())
                .bootstrapServers(bootstrapServers)
                .inputTopic(t.input()).enrichedTopic(t.enriched()).deadLetterTopic(t.deadLetters())
                .tasks(tasks)
                .engine(engine())
                .stateDir(dir.resolve(stateName))
                .serde(AvroSerdeConfig.defaults())
                .streamsProperty("commit.interval.ms", 100)
                .streamsProperty("session.timeout.ms", 6000)
                .streamsProperty("heartbeat.interval.ms", 1500);
    }

    ClientConfig.Builder client() {
        return ClientConfig.builder().baseUrl(simulator.baseUrl()).apiKey(ApiKey.of(API_KEY))
                .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(5)).random(new Random(7));
    }

    /** Starts a pipeline (closed by {@link #close}) and waits until it runs. */
    EnrichmentPipeline start(PipelineSettings settings) {
        return start(settings, client().build());
    }

    EnrichmentPipeline start(PipelineSettings settings, ClientConfig client) {
        EnrichmentPipeline p = EnrichmentPipeline.start(settings, client, registry);
        closeables.add(p);
        await("pipeline " + settings.applicationId() + " running").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50)).until(p::isRunning);
        return p;
    }

    /** A reader of {@code t}'s outputs through the project's Avro serdes and this fixture's registry. */
    OutputReader reader(Topics t) {
        return reader(t, registry, true);
    }

    OutputReader reader(Topics t, SchemaRegistry readerRegistry, boolean keepValues) {
        Deserializer<EnrichedEvent> enriched = AvroSerdes.specific(EnrichedEvent.class, readerRegistry,
                AvroSerdeConfig.defaults()).deserializer();
        Deserializer<DeadLetter> deadLetters = AvroSerdes.specific(DeadLetter.class, readerRegistry,
                AvroSerdeConfig.defaults()).deserializer();
        OutputReader r = new OutputReader(bootstrapServers, t.enriched(), t.deadLetters(), enriched, deadLetters,
                keepValues, API_KEY);
        closeables.add(r);
        return r;
    }

    /** A JSON event {@code {"id":"e-<n>","text":...}}. */
    static byte[] eventJson(String id, String text) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.put("text", text);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A varied, short text (under every model's input limit); every third one holds an e-mail address. */
    static String text(int n) {
        String[] subjects = {"The new running shoes", "Our team's football match", "The quarterly budget report",
            "My flight to Lisbon", "The pasta recipe", "A laptop with a cracked screen", "The jazz concert"};
        String[] rests = {"arrived two days late and the box was damaged.",
            "was the best thing I saw this year, thanks to everyone involved.",
            "needs another review before Friday's meeting.",
            "left me with questions about the refund policy.",
            "is something I would recommend to a friend."};
        String s = subjects[n % subjects.length] + " " + rests[(n / subjects.length) % rests.length]
                + " Reference " + n + ".";
        if (n % 3 == 0) {
            s += " Write to me at customer" + n + "@example.com please.";
        }
        return s;
    }

    /** A record to send: a JSON event (id and text set) or raw bytes (id and text null; value null for a tombstone). */
    record Draft(String key, String id, String text, byte[] value, List<Hdr> headers) {
    }

    /** A JSON event with the next id, headers trace-id and origin. */
    Draft event(String key, String text) {
        int n = nextId.getAndIncrement();
        String id = "e-" + n;
        return new Draft(key, id, text, eventJson(id, text), List.of(new Hdr("trace-id", "t-" + n), new Hdr("origin", "it")));
    }

    static Draft raw(String key, byte[] value) {
        return new Draft(key, null, null, value, List.of(new Hdr("origin", "it-bad")));
    }

    /** Sends {@code count} JSON events with keys and texts chosen per event number. */
    List<Sent> sendEvents(String topic, int count, IntFunction<String> key, IntFunction<String> text) {
        List<Draft> drafts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = nextId.get();
            drafts.add(event(key.apply(n), text.apply(n)));
        }
        return send(topic, drafts);
    }

    /** Sends the drafts in order (one producer: one key's records keep their order) and waits for every ack. */
    List<Sent> send(String topic, List<Draft> drafts) {
        List<PendingSend> pending = new ArrayList<>(drafts.size());
        for (Draft d : drafts) {
            pending.add(send(topic, d.key(), d.id(), d.text(), d.value(), d.headers()));
        }
        return complete(pending);
    }

    private record PendingSend(String key, String id, String text, byte[] value, List<Hdr> headers,
                               Future<RecordMetadata> metadata) {
    }

    private PendingSend send(String topic, String key, String id, String text, byte[] value, List<Hdr> headers) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach(x -> h.add(x.key(), x.value() == null ? null : x.value().getBytes(StandardCharsets.UTF_8)));
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, null,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value, h);
        return new PendingSend(key, id, text, value, headers, producer.send(r));
    }

    private static List<Sent> complete(List<PendingSend> pending) {
        List<Sent> sent = new ArrayList<>(pending.size());
        for (PendingSend p : pending) {
            try {
                RecordMetadata m = p.metadata().get(120, TimeUnit.SECONDS);
                sent.add(new Sent(p.key(), p.id(), p.text(), p.value(), m.partition(), m.offset(), m.timestamp(),
                        p.headers()));
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new IllegalStateException("send failed", e);
            }
        }
        return sent;
    }

    /** Stops the in-process broker and starts it again on the same data directory and port. */
    void restartKafka() {
        stopKafka();
        startKafkaAgain();
    }

    void stopKafka() {
        kafka.close();
    }

    void startKafkaAgain() {
        int port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        kafka = EmbeddedKafka.start(kafkaDir, port);
    }

    /** Stops the simulator and starts one with a changed configuration on the same port. */
    void restartSimulator(UnaryOperator<SimulatorConfig.Builder> change) {
        SimulatorConfig.Builder b = simulator.config().toBuilder().port(simulator.port());
        simulator.close();
        simulator = Simulator.start(change.apply(b).build());
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the fixture failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
        simulator.close();
        if (kafka != null) {
            kafka.close();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
