package dev.enricher.testing;

import dev.enricher.engine.CallObserver;
import dev.enricher.engine.EventTracer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.avro.DeadLetter;
import dev.enricher.client.ApiKey;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.RetryPolicy;
import dev.enricher.engine.EngineConfig;
import dev.enricher.engine.EngineStats;
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
import dev.enricher.testing.Sent.Hdr;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.RecordAssembler;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.commons.io.file.PathUtils;
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
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What every pipeline integration test needs, as a JUnit extension: a real broker (the in-process KRaft one, or any
 * bootstrap address), the simulator standing in for ZeroGPU, a schema registry, topics, a producer of JSON events,
 * readers of the outputs and the pipelines under test.
 *
 * <pre>{@code
 * @RegisterExtension
 * final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();
 *
 * @Test
 * void eventsAreEnriched() {
 *     fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)));
 *     PipelineFixture.Topics t = fx.topics("name", 2);
 *     OutputReader reader = fx.reader(t);
 *     fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB)).build());
 *     List<Sent> sent = fx.sendEvents(t.input(), 100, n -> "k-" + n % 10, PipelineFixture::text);
 *     reader.awaitAll(sent, Duration.ofSeconds(60));
 *     reader.assertExactlyOnce(sent, t.input());
 * }
 * }</pre>
 *
 * <p>Lifecycle, per test: before it, a new directory, the broker, an admin client and a producer; during it, the
 * simulator (when the test starts it, with the only accepted key {@link #API_KEY}), and whatever topics, readers
 * and pipelines it asks for. After it, the invariants below are checked, then everything is stopped in reverse
 * order (pipelines and readers, producer, admin, simulator, broker) and the directory is deleted. Every server binds
 * 127.0.0.1.
 *
 * <p>Invariants checked after each test; a breach fails the test:
 * <ul>
 *   <li>no log event of this JVM shows {@link #API_KEY} (the project's loggers run at DEBUG during the test, so debug
 *       lines count), whether the test passed or not;</li>
 *   <li>after a test that passed: every output read decodes and none shows the key; and nothing is left in flight:
 *       every pipeline still running has no call in flight and no event pending (in memory or parked), and the
 *       simulator holds no request. A test that ends mid-stream on purpose closes its pipeline itself.</li>
 * </ul>
 *
 * <p>Not thread-safe: call it from the test's thread. Methods that need the simulator throw
 * {@link IllegalStateException} before {@link #startSimulator}.
 */
public final class PipelineFixture implements BeforeEachCallback, AfterEachCallback {
    /** The only key the simulator accepts; no log line or output may ever show it. */
    public static final String API_KEY = "zgpu-api-it-7c41e98f0d2b";

    /** KIP-1034's header names, kept by the dead letters for tooling, and the project's category header. */
    public static final String HEADER_EXCEPTION = RecordAssembler.HEADER_EXCEPTION;
    public static final String HEADER_CATEGORY = RecordAssembler.HEADER_CATEGORY;

    /** How long, at most, a passing test's pipelines may take to finish the calls still in flight when it ends. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final Function<Path, Broker> brokers;

    // Per test, set by beforeEach: a fixture registered on a class with one instance for all tests starts afresh.
    private Path dir;
    private SecretLeakAppender logs;
    private Broker broker;
    private Simulator simulator;
    private InMemorySchemaRegistry registry;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private List<AutoCloseable> closeables;
    private List<Started> pipelines;
    private List<OutputReader> readers;
    private final AtomicInteger nextId = new AtomicInteger();

    private PipelineFixture(Function<Path, Broker> brokers) {
        this.brokers = brokers;
    }

    /** A fixture whose every test runs on a new in-process broker, its data under {@link #dir()} (so it can restart). */
    public static PipelineFixture onEmbeddedKafka() {
        return new PipelineFixture(dir -> new Broker.Embedded(dir.resolve("kafka")));
    }

    /**
     * A fixture on a broker someone else runs (a container), shared by the tests: topic names are unique.
     *
     * @param bootstrapServers read before each test, so it may name a broker started after this fixture was built
     */
    public static PipelineFixture on(Supplier<String> bootstrapServers) {
        return new PipelineFixture(dir -> new Broker.External(bootstrapServers.get()));
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        closeables = new ArrayList<>();
        pipelines = new ArrayList<>();
        readers = new ArrayList<>();
        registry = new InMemorySchemaRegistry();
        simulator = null;
        nextId.set(0);
        dir = Files.createTempDirectory("pipeline-it-");
        logs = SecretLeakAppender.install(API_KEY);
        broker = brokers.apply(dir);
        closeables.add(broker);
        closeables.add(() -> {
            if (simulator != null) {
                simulator.close();
            }
        });
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        closeables.add(() -> admin.close(Duration.ofSeconds(5)));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        closeables.add(() -> producer.close(Duration.ofSeconds(5)));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        // Resources close in reverse order: the servers first (the log watch still sees what closing logs), then the
        // log watch, then the directory. Each failure is added to the ones before it and to the test's own.
        try (AutoCloseable deleteDir = this::deleteDir;
             AutoCloseable logCheck = this::assertNoKeyLogged;
             AutoCloseable servers = this::stopAll) {
            if (context.getExecutionException().isEmpty()) {
                assertCleanOutputs();
                assertNothingInFlight();
            }
        }
    }

    /** This test's directory: the broker's data, the pipelines' state; deleted after the test. */
    public Path dir() {
        return dir;
    }

    /** {@code 127.0.0.1:port} of the broker (or the address of the external one). */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** Starts the simulator, accepting {@link #API_KEY} only, on a free port of 127.0.0.1. */
    public Simulator startSimulator(SimulatorConfig.Builder config) {
        if (simulator != null) {
            throw new IllegalStateException("the simulator runs already; restartSimulator changes it");
        }
        simulator = Simulator.start(config.acceptedApiKey(API_KEY).build());
        return simulator;
    }

    /**
     * The simulator of this test.
     *
     * @throws IllegalStateException before {@link #startSimulator}
     */
    public Simulator simulator() {
        if (simulator == null) {
            throw new IllegalStateException("no simulator yet: call startSimulator first");
        }
        return simulator;
    }

    /** Stops the simulator and starts one with a changed configuration on the same port. */
    public void restartSimulator(UnaryOperator<SimulatorConfig.Builder> change) {
        SimulatorConfig.Builder b = simulator().config().toBuilder().port(simulator.port());
        simulator.close();
        simulator = Simulator.start(change.apply(b).build());
    }

    /** The in-memory registry every pipeline and reader of this fixture uses. */
    public SchemaRegistry registry() {
        return registry;
    }

    /** An admin client of the broker, closed after the test. */
    public Admin admin() {
        return admin;
    }

    /**
     * Stops the in-process broker, keeping its data.
     *
     * @throws UnsupportedOperationException on a broker someone else runs
     */
    public void stopKafka() {
        broker.stop();
    }

    /**
     * Starts the in-process broker again on the same data and port, and returns once it answers.
     *
     * @throws UnsupportedOperationException on a broker someone else runs
     */
    public void startKafkaAgain() {
        broker.startAgain();
    }

    /** The three topics of one pipeline. */
    public record Topics(String input, String enriched, String deadLetters) {
    }

    /** Creates input, enriched and dead-letter topics named after {@code name}, each with {@code partitions}. */
    public Topics topics(String name, int partitions) {
        return topics(name, partitions, Map.of(), Map.of());
    }

    /** As {@link #topics(String, int)}, with topic configs for the input and for both outputs. */
    public Topics topics(String name, int partitions, Map<String, String> inputConfigs,
                         Map<String, String> outputConfigs) {
        String n = name + "-" + NAMES.incrementAndGet();
        Topics t = new Topics(n + "-raw", n + "-enriched", n + "-dlq");
        createTopic(t.input(), partitions, inputConfigs);
        createTopic(t.enriched(), partitions, outputConfigs);
        createTopic(t.deadLetters(), partitions, outputConfigs);
        return t;
    }

    /** Creates one topic (replication factor 1) and waits until each of its partitions has a leader. */
    public void createTopic(String topic, int partitions, Map<String, String> configs) {
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
    public static List<EnrichmentTask> tasks(TaskType... types) {
        List<EnrichmentTask> l = new ArrayList<>();
        for (TaskType t : types) {
            Map<String, Object> options = t == TaskType.PII ? Map.of("usecase", "redact") : Map.of();
            l.add(TaskFactory.create(new TaskSpec(null, t, null, options)));
        }
        return l;
    }

    /** Short retries for tests: 10 attempts, 10 ms doubling to 200 ms, Retry-After cut to 500 ms, 60 s in all. */
    public static RetryPolicy fastRetries() {
        return new RetryPolicy(10, Duration.ofMillis(10), Duration.ofMillis(200), Duration.ofMillis(500),
                Duration.ofSeconds(60));
    }

    /** The engine of the tests: {@link #fastRetries()}, and the circuit probing every 200 ms up to every second. */
    public static EngineConfig engine() {
        return EngineConfig.defaults().withRetry(fastRetries())
                .withProbeInterval(Duration.ofMillis(200), Duration.ofSeconds(1));
    }

    /**
     * Settings for a pipeline over {@code t} in any JVM: the application id {@code it-<input topic>}, the state in
     * {@code stateDir}, the tasks on {@link #engine()}, commits every 100 ms and a short session timeout (so a member
     * that leaves is noticed in seconds).
     */
    public static PipelineSettings.Builder settings(String bootstrapServers, Topics t, Path stateDir,
                                                    List<EnrichmentTask> tasks) {
        return PipelineSettings.builder()
                .applicationId("it-" + t.input())
                .bootstrapServers(bootstrapServers)
                .inputTopic(t.input()).enrichedTopic(t.enriched()).deadLetterTopic(t.deadLetters())
                .tasks(tasks)
                .engine(engine())
                .stateDir(stateDir)
                .serde(AvroSerdeConfig.defaults())
                .streamsProperty("commit.interval.ms", 100)
                .streamsProperty("session.timeout.ms", 6000)
                .streamsProperty("heartbeat.interval.ms", 1500);
    }

    /** {@link #settings(String, Topics, Path, List)} on this fixture's broker, the state in {@code dir/<stateName>}. */
    public PipelineSettings.Builder settings(Topics t, String stateName, List<EnrichmentTask> tasks) {
        return settings(bootstrapServers(), t, dir.resolve(stateName), tasks);
    }

    /** A client of the simulator with the accepted key, short timeouts and seeded jitter. */
    public ClientConfig.Builder client() {
        return ClientConfig.builder().baseUrl(simulator().baseUrl()).apiKey(ApiKey.of(API_KEY))
                .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(5)).random(new Random(7));
    }

    /** Starts a pipeline with {@link #client()} (stopped after the test) and waits until it runs. */
    public EnrichmentPipeline start(PipelineSettings settings) {
        return start(settings, client().build());
    }

    /** Starts a pipeline with {@code client} (stopped after the test) and waits, up to 60 s, until it runs. */
    public EnrichmentPipeline start(PipelineSettings settings, ClientConfig client) {
        return start(settings, client, null);
    }

    /** As {@link #start(PipelineSettings, ClientConfig)}, each event traced by {@code tracer} (null: none). */
    public EnrichmentPipeline start(PipelineSettings settings, ClientConfig client, EventTracer tracer) {
        EnrichmentPipeline p = EnrichmentPipeline.start(settings, client, registry, CallObserver.NONE, tracer);
        closeables.add(p);
        pipelines.add(new Started(settings.applicationId() + " in " + settings.stateDir().getFileName(), p));
        await("pipeline " + settings.applicationId() + " running").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(50)).until(p::isRunning);
        return p;
    }

    private record Started(String name, EnrichmentPipeline pipeline) {
    }

    /** A reader of {@code t}'s outputs through the project's Avro serdes and this fixture's registry. */
    public OutputReader reader(Topics t) {
        return reader(t, registry, true);
    }

    /**
     * A reader of {@code t}'s outputs decoding with {@code readerRegistry} (another process's schema ids), keeping
     * the decoded values or only the index; stopped after the test.
     */
    public OutputReader reader(Topics t, SchemaRegistry readerRegistry, boolean keepValues) {
        Deserializer<org.apache.avro.generic.GenericRecord> enriched =
                dev.enricher.serde.AvroDeserializer.mixed(readerRegistry);
        Deserializer<DeadLetter> deadLetters = AvroSerdes.specific(DeadLetter.class, readerRegistry,
                AvroSerdeConfig.defaults()).deserializer();
        OutputReader r = new OutputReader(bootstrapServers(), t.enriched(), t.deadLetters(), enriched, deadLetters,
                keepValues, API_KEY);
        closeables.add(r);
        readers.add(r);
        return r;
    }

    /** A JSON event {@code {"id":...,"text":...}}. */
    public static byte[] eventJson(String id, String text) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.put("text", text);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A varied, short text (under every model's input limit); every third one holds an e-mail address. */
    public static String text(int n) {
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
    public record Draft(String key, String id, String text, byte[] value, List<Hdr> headers) {
    }

    /** A JSON event with the next id ({@code e-<n>}, n from 0 in each test), headers trace-id and origin. */
    public Draft event(String key, String text) {
        int n = nextId.getAndIncrement();
        String id = "e-" + n;
        return new Draft(key, id, text, eventJson(id, text),
                List.of(new Hdr("trace-id", "t-" + n), new Hdr("origin", "it")));
    }

    /** Raw bytes (null for a tombstone) with the header origin=it-bad. */
    public static Draft raw(String key, byte[] value) {
        return new Draft(key, null, null, value, List.of(new Hdr("origin", "it-bad")));
    }

    /** Sends {@code count} JSON events with keys and texts chosen per event number. */
    public List<Sent> sendEvents(String topic, int count, IntFunction<String> key, IntFunction<String> text) {
        List<Draft> drafts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int n = nextId.get();
            drafts.add(event(key.apply(n), text.apply(n)));
        }
        return send(topic, drafts);
    }

    /** Sends the drafts in order (one producer: one key's records keep their order) and waits for every ack. */
    public List<Sent> send(String topic, List<Draft> drafts) {
        List<PendingSend> pending = new ArrayList<>(drafts.size());
        for (Draft d : drafts) {
            RecordHeaders h = new RecordHeaders();
            d.headers().forEach(x -> h.add(x.key(),
                    x.value() == null ? null : x.value().getBytes(StandardCharsets.UTF_8)));
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, null,
                    d.key() == null ? null : d.key().getBytes(StandardCharsets.UTF_8), d.value(), h);
            pending.add(new PendingSend(d, producer.send(r)));
        }
        List<Sent> sent = new ArrayList<>(pending.size());
        for (PendingSend p : pending) {
            try {
                RecordMetadata m = p.metadata().get(120, TimeUnit.SECONDS);
                Draft d = p.draft();
                sent.add(new Sent(d.key(), d.id(), d.text(), d.value(), m.partition(), m.offset(), m.timestamp(),
                        d.headers()));
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                throw new IllegalStateException("send failed", e);
            }
        }
        return sent;
    }

    private record PendingSend(Draft draft, Future<RecordMetadata> metadata) {
    }

    private void assertCleanOutputs() {
        for (OutputReader r : readers) {
            assertThat(r.problems()).as("outputs that cannot be read or show the API key").isEmpty();
        }
    }

    private void assertNothingInFlight() {
        await("nothing left in flight").atMost(DRAIN).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            for (Started s : pipelines) {
                if (s.pipeline().streams().state().isRunningOrRebalancing()) {
                    EngineStats stats = s.pipeline().stats();
                    assertThat(stats.inFlight()).as("calls in flight in %s", s.name()).isZero();
                    assertThat(stats.pending()).as("events pending in memory in %s", s.name()).isZero();
                    assertThat(stats.parked()).as("events parked in %s", s.name()).isZero();
                }
            }
            if (simulator != null) {
                assertThat(simulator.stats().inFlight()).as("requests open at the simulator").isZero();
            }
        });
    }

    private void assertNoKeyLogged() {
        if (logs != null) {
            assertThat(logs.uninstall()).as("log lines showing the API key").isEmpty();
        }
    }

    private void stopAll() throws Exception {
        Exception failure = null;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void deleteDir() throws Exception {
        if (dir != null) {
            // commons-io comes with Avro; it deletes read-only files and reports what it could not delete.
            PathUtils.deleteDirectory(dir);
        }
    }
}
