package dev.enricher.it;

import dev.enricher.engine.CallObserver;
import dev.enricher.tracing.Tracing;
import dev.enricher.tracing.TracingSettings;

import dev.enricher.avro.DeadLetter;
import dev.enricher.client.ApiKey;
import dev.enricher.client.ClientConfig;
import dev.enricher.results.CallResultSettings;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.serde.SubjectNameStrategy;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.ProcessingGuarantee;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A pipeline in a JVM of its own, for the crash test, which kills it with SIGKILL. Everything comes from the
 * environment (the key as {@code ZEROGPU_API_KEY}, never on the command line): {@code IT_BOOTSTRAP},
 * {@code IT_SIMULATOR_URL}, {@code IT_GUARANTEE}, {@code IT_STATE_DIR}, {@code IT_INPUT}, {@code IT_ENRICHED},
 * {@code IT_DEAD_LETTERS}, {@code IT_MAX_IN_FLIGHT}, and {@code IT_CALL_RESULTS} (the call-results topic; unset:
 * none); the settings are every fixture pipeline's
 * ({@link PipelineFixture#settings(String, PipelineFixture.Topics, Path, java.util.List)}), so the application id
 * is {@code it-<input topic>}.
 * Prints {@code RUNNING} once Kafka Streams runs, then a line of counters every second. SIGTERM closes it cleanly.
 */
public final class PipelineProcess {
    private PipelineProcess() {
    }

    /**
     * Starts a pipeline process for {@code fx}'s broker and simulator over {@code t}, its state in
     * {@code fx.dir()/child-state} (so a restart resumes it), its output appended to {@code log}.
     *
     * @param extraEnv further {@code IT_*} settings (e.g. {@code IT_CALL_RESULTS})
     */
    static Process start(PipelineFixture fx, PipelineFixture.Topics t, ProcessingGuarantee guarantee, int maxInFlight,
                         Path log, Map<String, String> extraEnv) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseParallelGC", "-cp", testClassPath(),
                PipelineProcess.class.getName());
        Map<String, String> env = pb.environment();
        env.put(ApiKey.ENV_VAR, PipelineFixture.API_KEY);
        env.put("IT_BOOTSTRAP", fx.bootstrapServers());
        env.put("IT_SIMULATOR_URL", fx.simulator().baseUrl());
        env.put("IT_GUARANTEE", guarantee.streamsValue());
        env.put("IT_STATE_DIR", fx.dir().resolve("child-state").toString());
        env.put("IT_INPUT", t.input());
        env.put("IT_ENRICHED", t.enriched());
        env.put("IT_DEAD_LETTERS", t.deadLetters());
        env.put("IT_MAX_IN_FLIGHT", String.valueOf(maxInFlight));
        env.putAll(extraEnv);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    /**
     * The test class path. Surefire may run tests from a manifest-only jar, in which case {@code java.class.path}
     * holds that jar alone and the real path is in {@code surefire.test.class.path}.
     */
    static String testClassPath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        if (cp.split(java.io.File.pathSeparator).length < 2) {
            throw new IllegalStateException("the test class path has one entry only: " + cp);
        }
        return cp;
    }

    public static void main(String[] args) throws Exception {
        String enriched = env("IT_ENRICHED");
        String deadLetters = env("IT_DEAD_LETTERS");
        SchemaRegistry registry = registryWithOutputSchemas(enriched, deadLetters);
        PipelineFixture.Topics topics = new PipelineFixture.Topics(env("IT_INPUT"), enriched, deadLetters);
        PipelineSettings settings = PipelineFixture.settings(env("IT_BOOTSTRAP"), topics, Path.of(env("IT_STATE_DIR")),
                        PipelineFixture.tasks(TaskType.IAB))
                .engine(PipelineFixture.engine().withMaxInFlight(Integer.parseInt(env("IT_MAX_IN_FLIGHT"))))
                .guarantee(ProcessingGuarantee.parse(env("IT_GUARANTEE")))
                // A restarted process takes its predecessor's place at once instead of waiting for its session to end.
                .streamsProperty("group.instance.id", "it-pipeline-process")
                .callResults(System.getenv("IT_CALL_RESULTS") == null ? null
                        : CallResultSettings.on(System.getenv("IT_CALL_RESULTS")))
                .build();
        ClientConfig client = ClientConfig.builder().baseUrl(env("IT_SIMULATOR_URL"))
                .apiKey(ApiKey.fromEnvironment().orElseThrow(() -> new IllegalStateException(ApiKey.ENV_VAR + " not set")))
                .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(5)).build();

        // Traced when the environment says so (OTEL_EXPORTER_OTLP_ENDPOINT), as the service is.
        Tracing tracing = Tracing.start(TracingSettings.OFF, System.getenv());
        EnrichmentPipeline pipeline = EnrichmentPipeline.start(settings, client, registry, CallObserver.NONE,
                tracing.tracer());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pipeline.close(Duration.ofSeconds(20));
            tracing.close();
            stopped.countDown();
        }, "pipeline-process-shutdown"));
        ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pipeline-process-status");
            t.setDaemon(true);
            return t;
        });
        boolean[] announced = {false};
        status.scheduleAtFixedRate(() -> {
            if (!announced[0] && pipeline.isRunning()) {
                announced[0] = true;
                System.out.println("RUNNING");
            }
            var s = pipeline.stats();
            System.out.println("STATS state=" + pipeline.streams().state() + " inFlight=" + s.inFlight()
                    + " admitted=" + s.admitted() + " enriched=" + s.enriched() + " deadLettered=" + s.deadLettered()
                    + " resent=" + s.resent() + " stale=" + s.staleCompletions());
        }, 0, 1, TimeUnit.SECONDS);
        stopped.await();
    }

    /**
     * An in-memory registry holding the enriched then the dead-letter schema, so the ids are 1 and 2 in every
     * process that registers them in this order: the test reads the child's outputs with the same ids.
     */
    static InMemorySchemaRegistry registryWithOutputSchemas(String enrichedTopic, String deadLetterTopic) {
        InMemorySchemaRegistry r = new InMemorySchemaRegistry();
        org.apache.avro.Schema enriched = dev.enricher.topology.OutputSchema.of(PipelineFixture.tasks(TaskType.IAB));
        r.register(SubjectNameStrategy.TOPIC.subject(enrichedTopic, false, enriched), enriched);
        r.register(SubjectNameStrategy.TOPIC.subject(deadLetterTopic, false, DeadLetter.getClassSchema()),
                DeadLetter.getClassSchema());
        return r;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException(name + " is not set");
        }
        return v;
    }
}
