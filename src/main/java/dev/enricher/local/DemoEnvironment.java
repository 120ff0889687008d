package dev.enricher.local;

import dev.enricher.config.EnricherConfig;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.service.EnricherService;
import dev.enricher.tracing.SpanCollector;
import dev.enricher.tracing.Tracing;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything the demo runs on, in this JVM: an {@link EmbeddedKafka} broker with the demo's three topics, the
 * ZeroGPU simulator (or the real API), and the service configured for them, with an in-memory registry and five
 * tasks under {@code exactly_once_v2} and {@code privacy: {redact-with: pii}}: PII redaction first, then on the
 * redacted text IAB classification, follow-up questions, a summary of texts over 2,000 characters and a sentiment
 * prompt with a typed answer on texts of 40 or more characters. Long texts are chunked or truncated per task.
 *
 * <p>Lifecycle: {@link #start} blocks until the broker answers and Kafka Streams has been started; on failure it
 * closes what it had started and rethrows. {@link #close} stops the service (Kafka Streams commits and closes), the
 * simulator and the broker, in that order, waits for each, and deletes the service's state; after it returns no
 * thread of the environment is left to write to the console. Both are called by the owner, on its thread; the
 * accessors may be called from any thread.
 *
 * <p>The state directory is under {@code ~/.stream-enricher} rather than the OS temp directory, which Kafka Streams
 * warns about (the OS may clear it under a running service).
 */
public final class DemoEnvironment implements AutoCloseable {
    public static final String INPUT_TOPIC = "raw-events";
    public static final String ENRICHED_TOPIC = "enriched-events";
    public static final String DEAD_LETTER_TOPIC = "enricher-dead-letters";
    static final String REAL_API_URL = "https://api.zerogpu.ai/v1";

    /**
     * @param maxInFlight      API calls in flight at most, >= 1
     * @param simulatorLatency the simulator's fixed latency; null for its per-model realistic latencies
     * @param realApi          call the real API with the key in {@code ZEROGPU_API_KEY} instead of the simulator
     * @param spans            when set, tracing is on and every span is kept here too (exported over OTLP only when
     *                         the {@code OTEL_*} variables say so); null for tracing as the variables say
     */
    public record Settings(int maxInFlight, Duration simulatorLatency, boolean realApi, SpanCollector spans) {
        public Settings {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("maxInFlight " + maxInFlight + " must be at least 1");
            }
        }

        public Settings(int maxInFlight, Duration simulatorLatency, boolean realApi) {
            this(maxInFlight, simulatorLatency, realApi, null);
        }
    }

    private final Deque<AutoCloseable> started;
    private final EmbeddedKafka kafka;
    private final String apiUrl;
    private final InMemorySchemaRegistry registry;
    private final EnricherService service;

    private DemoEnvironment(Deque<AutoCloseable> started, EmbeddedKafka kafka, String apiUrl,
                            InMemorySchemaRegistry registry, EnricherService service) {
        this.started = started;
        this.kafka = kafka;
        this.apiUrl = apiUrl;
        this.registry = registry;
        this.service = service;
    }

    /**
     * Starts the broker, the simulator (unless {@link Settings#realApi}) and the service.
     *
     * @throws RuntimeException what failed to start; what had started is closed
     */
    public static DemoEnvironment start(Settings settings) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Path state = stateDirectory();
            started.push(() -> deleteTree(state));
            EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
            started.push(kafka);
            kafka.createTopic(INPUT_TOPIC, 4);
            kafka.createTopic(ENRICHED_TOPIC, 4);
            kafka.createTopic(DEAD_LETTER_TOPIC, 1);
            String apiUrl = REAL_API_URL;
            String key = "${ZEROGPU_API_KEY}";
            if (!settings.realApi()) {
                SimulatorConfig.Builder sim = SimulatorConfig.builder();
                if (settings.simulatorLatency() != null) {
                    sim.fixedLatency(settings.simulatorLatency());
                }
                Simulator simulator = Simulator.start(sim.build());
                started.push(simulator);
                apiUrl = simulator.baseUrl();
                key = "zgpu-demo";
            }
            InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
            EnricherConfig config = EnricherConfig.parse(yaml(kafka.bootstrapServers(), apiUrl, key, state,
                    settings.maxInFlight()), System.getenv(), "demo");
            EnricherService service = EnricherService.start(config, registry,
                    Tracing.start(config.tracing(), System.getenv(), settings.spans()));
            started.push(service);
            return new DemoEnvironment(started, kafka, apiUrl, registry, service);
        } catch (RuntimeException e) {
            stopAll(started).forEach(e::addSuppressed);
            throw e;
        }
    }

    private static String yaml(String bootstrap, String apiUrl, String key, Path state, int maxInFlight) {
        return """
                kafka:
                  bootstrap-servers: %s
                  application-id: stream-enricher-demo
                  state-dir: %s
                  input-topic: %s
                  enriched-topic: %s
                  dead-letter-topic: %s
                api:
                  base-url: %s
                  api-key: %s
                engine:
                  max-in-flight: %d
                registry:
                  url: memory
                ops:
                  host: 127.0.0.1
                  port: 0
                privacy:
                  redact-with: pii
                tasks:
                  - {name: pii, type: pii, options: {usecase: redact}}
                  - {name: iab, type: iab}
                  - {name: questions, type: followup_questions}
                  - {name: summary, type: text_generation, when: "text_length > 2000"}
                  - name: sentiment
                    type: prompt
                    when: "text_length >= 40"
                    options:
                      system: You judge the sentiment of customer texts.
                      template: "What is the sentiment of this text? {{text}}"
                      output:
                        json-schema:
                          type: object
                          required: [label, score, reasons]
                          properties:
                            label: {type: string, enum: [positive, neutral, negative]}
                            score: {type: number, minimum: 0, maximum: 1, description: How sure the model is.}
                            reasons: {type: array, items: {type: string}, maxItems: 3}
                """.formatted(bootstrap, state, INPUT_TOPIC, ENRICHED_TOPIC, DEAD_LETTER_TOPIC, apiUrl, key,
                maxInFlight);
    }

    /** A fresh directory for the service's state; in the OS temp directory only when the home directory fails. */
    private static Path stateDirectory() {
        try {
            Path home = Files.createDirectories(Path.of(System.getProperty("user.home"), ".stream-enricher"));
            return Files.createTempDirectory(home, "demo-state-");
        } catch (IOException | UnsupportedOperationException e) {
            try {
                return Files.createTempDirectory("stream-enricher-demo");
            } catch (IOException e2) {
                throw new UncheckedIOException("cannot create a state directory for the demo", e2);
            }
        }
    }

    /** The broker's bootstrap address. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The API the service calls: the simulator's base URL, or the real API's. */
    public String apiUrl() {
        return apiUrl;
    }

    /** The registry the service writes its schemas to (to read the outputs back). */
    public SchemaRegistry registry() {
        return registry;
    }

    /** The running service. */
    public EnricherService service() {
        return service;
    }

    /**
     * Closes the service, the simulator and the broker, and deletes the state, each even when another failed.
     *
     * @throws IllegalStateException when something did not stop cleanly: the first failure its cause, the others
     *                               suppressed
     */
    @Override
    public void close() {
        List<Exception> failures = stopAll(started);
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("the demo did not stop cleanly: " + failures.get(0),
                    failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    /** Closes what was started, the newest first, each even when another failed; returns the failures in order. */
    private static List<Exception> stopAll(Deque<AutoCloseable> started) {
        List<Exception> failures = new ArrayList<>();
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        return failures;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a state directory left behind is harmless: it is never reused
        }
    }
}
