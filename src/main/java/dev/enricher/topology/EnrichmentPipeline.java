package dev.enricher.topology;

import dev.enricher.client.ChatTransport;
import dev.enricher.client.ClientConfig;
import dev.enricher.engine.CallObserver;
import dev.enricher.engine.CircuitState;
import dev.enricher.engine.EngineStats;
import dev.enricher.engine.EnrichmentEngine;
import dev.enricher.engine.EventSink;
import dev.enricher.engine.EventTracer;
import dev.enricher.engine.InstanceControl;
import dev.enricher.results.CallResultReader;
import dev.enricher.results.CallResultSettings;
import dev.enricher.results.CallResultTopic;
import dev.enricher.results.CallResults;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.serde.decode.InputDecoder;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running pipeline: input topic -> decode -> engine -> enriched / dead-letter topics, on Kafka Streams.
 *
 * <p>Owns its API transport (built from the client config, its connection pool sized to the engine's in-flight cap;
 * the engine admits and retries, keeping attempts in its store) and its {@link KafkaStreams}. Thread-safe.
 */
public final class EnrichmentPipeline implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentPipeline.class);
    /** Name of the pending store; its changelog topic is {@code <application.id>-pending-changelog}. */
    public static final String PENDING_STORE = "pending";

    private final ChatTransport transport;
    private final CallResultReader results;
    private final EnrichmentEngine engine;
    private final Topology topology;
    private final KafkaStreams streams;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.CompletableFuture<KafkaStreams.State> stopped =
            new java.util.concurrent.CompletableFuture<>();

    private EnrichmentPipeline(ChatTransport transport, CallResultReader results, EnrichmentEngine engine,
                               Topology topology, KafkaStreams streams) {
        this.transport = transport;
        this.results = results;
        this.engine = engine;
        this.topology = topology;
        this.streams = streams;
    }

    /**
     * Builds the topology, creates the transport and starts Kafka Streams. Returns at once; the streams instance goes
     * through REBALANCING to RUNNING on its own. The topics must exist.
     *
     * @param registry the schema registry for the Avro output (and Avro input)
     */
    public static EnrichmentPipeline start(PipelineSettings settings, ClientConfig client, SchemaRegistry registry) {
        return start(settings, client, registry, CallObserver.NONE);
    }

    /** As above, telling {@code observer} about every API call (metrics). */
    public static EnrichmentPipeline start(PipelineSettings settings, ClientConfig client, SchemaRegistry registry,
                                           CallObserver observer) {
        return start(settings, client, registry, RecordAssembler.create(settings, registry), observer);
    }

    /**
     * As above, each event traced by {@code tracer} (null for none: tracing off). The tracer's owner closes it after
     * this pipeline.
     */
    public static EnrichmentPipeline start(PipelineSettings settings, ClientConfig client, SchemaRegistry registry,
                                           CallObserver observer, EventTracer tracer) {
        return start(settings, client, registry, RecordAssembler.create(settings, registry), observer, tracer);
    }

    /** As {@link #start(PipelineSettings, ClientConfig, SchemaRegistry)}, with the given output side. */
    static EnrichmentPipeline start(PipelineSettings settings, ClientConfig clientConfig, SchemaRegistry registry,
                                    EventSink sink, CallObserver observer) {
        return start(settings, clientConfig, registry, sink, observer, null);
    }

    private static EnrichmentPipeline start(PipelineSettings settings, ClientConfig clientConfig,
                                            SchemaRegistry registry, EventSink sink, CallObserver observer,
                                            EventTracer tracer) {
        Objects.requireNonNull(settings, "settings");
        InputDecoder decoder = InputDecoder.create(settings.decoder(), registry);
        int maxInFlight = settings.engine().maxInFlight();
        // The engine's retry settings cap the Retry-After the transport reports; the engine does the retrying.
        ChatTransport transport = ChatTransport.create(clientConfig.toBuilder().maxInFlight(maxInFlight)
                .retry(settings.engine().retry()).build());
        EnrichmentEngine engine = null;
        CallResultReader results = null;
        try {
            engine = new EnrichmentEngine(settings.engine(), settings.tasks(), decoder, sink, transport,
                    clientConfig.limits());
            engine.callObserver(observer);
            engine.tracer(tracer);
            engine.conditions(settings.conditions());
            engine.graph(settings.graph());
            engine.longInputs(settings.effectiveLongInputs());
            engine.hiddenAttributes(new java.util.HashSet<>(settings.privacy().dropAttributes()));
            engine.budget(settings.budget(), settings.catalog());
            if (settings.callResults().enabled()) {
                CallResults store = new CallResults(settings.callResults().ttl(), settings.callResults().maxBytes(),
                        settings.engine().clock());
                results = loadCallResults(settings, store);
                engine.callResults(store);
            }
            Topology topology = topology(settings, engine);
            KafkaStreams streams = new KafkaStreams(topology, streamsProperties(settings));
            engine.instanceControl(new InstanceControl() {
                @Override
                public void pause() {
                    streams.pause();
                }

                @Override
                public void resume() {
                    streams.resume();
                }
            });
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("Stream thread failed; replacing it (its tasks restart from the pending store): {}",
                        e.toString(), e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            EnrichmentPipeline p = new EnrichmentPipeline(transport, results, engine, topology, streams);
            streams.setStateListener((now, before) -> {
                // Kafka Streams' own transition lines are below the log level (org.apache.kafka at WARN); a rebalance
                // or a restore is worth a line of its own for whoever watches an instance.
                LOG.info("Kafka Streams state {} -> {}", before, now);
                if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                    p.stopped.complete(now);
                }
            });
            streams.start();
            LOG.info("Pipeline {} started: {} -> [{}] -> {} / {} ({}, {} stream threads, {} in flight max)",
                    settings.applicationId(), settings.inputTopic(), String.join(", ", taskNames(settings)),
                    settings.enrichedTopic(), settings.deadLetterTopic(), settings.guarantee().streamsValue(),
                    settings.streamThreads(), settings.engine().maxInFlight());
            return p;
        } catch (RuntimeException e) {
            if (results != null) {
                results.close();
            }
            if (engine != null) {
                engine.close();
            }
            transport.close();
            throw e;
        }
    }

    /**
     * Makes sure the call-results topic exists with its settings, and reads it to its end into {@code store} (then
     * keeps following it), before the pipeline processes anything: a restarted instance finds every answer committed
     * before.
     */
    private static CallResultReader loadCallResults(PipelineSettings settings, CallResults store) {
        CallResultSettings c = settings.callResults();
        StreamsConfig streamsConfig = new StreamsConfig(streamsProperties(settings));
        try (Admin admin = Admin.create(streamsConfig.getAdminConfigs(settings.applicationId() + "-call-results"))) {
            CallResultTopic.ensure(admin, c, maxRecordBytes(settings));
        }
        // The global consumer's settings: no group, read_committed under exactly-once (only committed answers).
        CallResultReader reader = new CallResultReader(
                streamsConfig.getGlobalConsumerConfigs(settings.applicationId() + "-call-results"), c.topic(), store);
        reader.start();
        try {
            reader.awaitLoaded(c.loadTimeout());
        } catch (InterruptedException e) {
            reader.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the call results", e);
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
        return reader;
    }

    private static java.util.List<String> taskNames(PipelineSettings s) {
        return s.tasks().stream().map(t -> t.name() + "=" + t.model()).toList();
    }

    /** The topology: source (raw bytes) -> engine -> two sinks (raw bytes; the output side serializes). */
    public static Topology topology(PipelineSettings settings, EnrichmentEngine engine) {
        Topology t = new Topology();
        t.addSource("input", new ByteArrayDeserializer(), new ByteArrayDeserializer(), settings.inputTopic());
        t.addProcessor("enrich", engine.processorSupplier(PENDING_STORE,
                Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxRecordBytes(settings)))), "input");
        t.addSink(EnrichmentEngine.ENRICHED, settings.enrichedTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), "enrich");
        t.addSink(EnrichmentEngine.DEAD_LETTERS, settings.deadLetterTopic(), new ByteArraySerializer(),
                new ByteArraySerializer(), "enrich");
        if (engine.keepsResults()) {
            t.addSink(EnrichmentEngine.CALL_RESULTS, settings.callResults().topic(), new ByteArraySerializer(),
                    new ByteArraySerializer(), "enrich");
        }
        return t;
    }

    /**
     * The largest record the pipeline writes: a pending entry or a dead letter holds the whole input value (up to
     * {@code input.max-bytes}), an enriched record the text plus its results. The changelog topic and the producer
     * are sized from it, so an input the decoder accepts can always be written.
     */
    static int maxRecordBytes(PipelineSettings s) {
        long bytes = 2L * s.decoder().maxBytes() + 1024 * 1024;
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    /** Kafka Streams properties: the settings, this service's defaults, then the overrides. */
    static Properties streamsProperties(PipelineSettings s) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, s.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, s.guarantee().streamsValue());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, s.streamThreads());
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        // An idle stream thread looks for finished calls at least this often (it blocks in poll() otherwise).
        p.put(StreamsConfig.POLL_MS_CONFIG, 10L);
        // Outputs leave when an answer arrives, not in bulk: Streams' producer default of linger.ms=100 would add
        // up to 100 ms to every event; a few ms still batches under load.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxRecordBytes(s));
        // Kafka 5.0's default already (the topology has no global store); unset, Streams warns at every start. The
        // consumer-prefixed copy reaches the partition assignor, which checks it again on the consumer's configs.
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.consumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        if (s.stateDir() != null) {
            p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toString());
        }
        p.putAll(s.streamsOverrides());
        return p;
    }

    /** The Kafka Streams instance (for state, metrics, pause/resume by the circuit). */
    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Completes with Kafka Streams' final state (NOT_RUNNING after a close, ERROR when it failed for good), on a
     * Kafka Streams thread.
     */
    public java.util.concurrent.CompletionStage<KafkaStreams.State> stopped() {
        return stopped;
    }

    /** The topology this pipeline runs. */
    public Topology topology() {
        return topology;
    }

    /** The current in-flight ceiling (lowered by 429 storms, never above the engine's cap). */
    public int concurrencyLimit() {
        return engine.concurrencyLimit();
    }

    /** The engine's live counters. */
    public EngineStats stats() {
        return engine.stats();
    }

    /** The engine (circuit state and reason). */
    public EnrichmentEngine engine() {
        return engine;
    }

    /** True once Kafka Streams is RUNNING and the circuit is closed. */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING && !circuitOpen();
    }

    /**
     * Waits until {@link #isRunning()}, polling every 20 ms (the pipeline has no listener of its own to wait on).
     *
     * @throws IllegalStateException when Kafka Streams ends in ERROR or NOT_RUNNING, or is not running within
     *                               {@code timeout}; the message names the state
     */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!isRunning()) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                    || System.nanoTime() > deadline) {
                throw new IllegalStateException("the pipeline is " + state + ", not RUNNING, " + timeout.toSeconds()
                        + " s after its start");
            }
            Thread.sleep(20); // polling a state, not a wait for time to pass
        }
    }

    /** True while the circuit is open (the API refuses us or is down) and processing is paused. */
    public boolean circuitOpen() {
        return engine.circuitState() == CircuitState.OPEN;
    }

    /** Stops Kafka Streams (waiting up to {@code timeout}), the engine and the transport. Idempotent. */
    public void close(Duration timeout) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            streams.close(timeout);
        } finally {
            if (results != null) {
                results.close();
            }
            engine.close();
            transport.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
