package dev.enricher.cli;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.EnrichedEvent;
import dev.enricher.client.ApiKey;
import dev.enricher.config.EnricherConfig;
import dev.enricher.engine.EngineStats;
import dev.enricher.local.EmbeddedKafka;
import dev.enricher.service.EnricherService;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher demo}: the whole service on a fresh machine with nothing running. An in-process broker, an
 * in-memory registry, the simulator (or the real API when {@code ZEROGPU_API_KEY} is set), the pipeline with three
 * tasks; a sample stream with a live progress line; a few enriched records as JSON; a summary. Exit code 0 when
 * every event came out (lost=0), 1 otherwise.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the service end to end on an in-process broker: IAB classification, follow-up questions "
                + "and PII redaction over a sample stream, with a live progress line and a summary.",
                "Uses the ZeroGPU simulator, or the real API when ZEROGPU_API_KEY is set. Last line: "
                        + "demo: events=N enriched=E dead_lettered=D lost=0 throughput_eps=X"})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "2000", description = "Events to produce (default: ${DEFAULT-VALUE}).")
    int events;
    @Option(names = "--keys", defaultValue = "200", description = "Distinct keys (customers) (default: ${DEFAULT-VALUE}).")
    int keys;
    @Option(names = "--bad-every", defaultValue = "500", description = "Every Nth event is malformed, to show a dead "
            + "letter; 0 for none (default: ${DEFAULT-VALUE}).")
    int badEvery;
    @Option(names = "--show", defaultValue = "3", description = "Enriched records printed as JSON (default: ${DEFAULT-VALUE}).")
    int show;
    @Option(names = "--latency-ms", description = "Fixed simulator latency; default: per-model realistic latencies.")
    Long latencyMs;
    @Option(names = "--max-in-flight", defaultValue = "256", description = "API calls in flight (default: ${DEFAULT-VALUE}).")
    int maxInFlight;
    @Option(names = "--timeout", defaultValue = "10m", converter = DurationConverter.class,
            description = "Give up waiting for outputs after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (events < 1 || keys < 1 || badEvery < 0 || show < 0 || maxInFlight < 1) {
            err.println("demo: --events, --keys and --max-in-flight must be >= 1, --bad-every and --show >= 0");
            return 2;
        }
        Optional<ApiKey> realKey = ApiKey.fromEnvironment();
        Path state = Files.createTempDirectory("stream-enricher-demo");
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
            resources.add(kafka);
            kafka.createTopic("raw-events", 4);
            kafka.createTopic("enriched-events", 4);
            kafka.createTopic("enricher-dead-letters", 1);
            String apiUrl;
            String key;
            if (realKey.isPresent()) {
                apiUrl = "https://api.zerogpu.ai/v1";
                key = "${ZEROGPU_API_KEY}";
                out.println("demo: calling the real ZeroGPU API (ZEROGPU_API_KEY is set)");
            } else {
                SimulatorConfig.Builder sim = SimulatorConfig.builder();
                if (latencyMs != null) {
                    sim.fixedLatency(Duration.ofMillis(latencyMs));
                }
                Simulator simulator = Simulator.start(sim.build());
                resources.add(simulator);
                apiUrl = simulator.baseUrl();
                key = "zgpu-demo";
                out.println("demo: ZeroGPU simulator on " + apiUrl + " (set ZEROGPU_API_KEY to call the real API)");
            }
            out.println("demo: Kafka on " + kafka.bootstrapServers() + ", topics raw-events -> enriched-events / "
                    + "enricher-dead-letters");
            out.flush();
            InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
            EnricherConfig config = EnricherConfig.parse(yaml(kafka.bootstrapServers(), apiUrl, key, state),
                    System.getenv(), "demo");
            EnricherService service = EnricherService.start(config, registry);
            resources.add(service);
            out.println("demo: pipeline started (iab, followup questions, pii redaction; exactly_once_v2); metrics on "
                    + "http://127.0.0.1:" + service.opsPort() + "/metrics");
            out.flush();
            return run(kafka, service, registry, out, err);
        } finally {
            for (int i = resources.size() - 1; i >= 0; i--) {
                try {
                    resources.get(i).close();
                } catch (Exception e) {
                    err.println("demo: while stopping: " + e);
                }
            }
            deleteTree(state);
        }
    }

    private String yaml(String bootstrap, String apiUrl, String key, Path state) {
        int maxInFlightValue = maxInFlight;
        return """
                kafka:
                  bootstrap-servers: %s
                  application-id: stream-enricher-demo
                  state-dir: %s
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
                tasks:
                  - {name: iab, type: iab}
                  - {name: questions, type: followup_questions}
                  - {name: pii, type: pii, options: {usecase: redact}}
                """.formatted(bootstrap, state, apiUrl, key, maxInFlightValue);
    }

    private int run(EmbeddedKafka kafka, EnricherService service, InMemorySchemaRegistry registry, PrintWriter out,
                    PrintWriter err) throws Exception {
        Deserializer<EnrichedEvent> enrichedReader = AvroSerdes.specific(EnrichedEvent.class, registry,
                AvroSerdeConfig.defaults()).deserializer();
        Deserializer<DeadLetter> deadLetterReader = AvroSerdes.specific(DeadLetter.class, registry,
                AvroSerdeConfig.defaults()).deserializer();
        AtomicLong produced = new AtomicLong();
        long start = System.nanoTime();
        Thread producer = new Thread(() -> produce(kafka.bootstrapServers(), produced), "demo-producer");
        producer.setDaemon(true);
        producer.start();

        Set<Long> seen = new HashSet<>();
        long enriched = 0;
        long deadLettered = 0;
        long duplicates = 0;
        List<EnrichedEvent> samples = new ArrayList<>();
        Map<String, Integer> categories = new TreeMap<>();
        long lastOutput = start;
        long lastProgress = 0;
        boolean tty = System.console() != null;
        EngineStats stats = service.pipeline().stats();
        long deadline = start + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(), "group.id", "demo-reader",
                "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("enriched-events", "enricher-dead-letters"));
            while (seen.size() < events && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    long source;
                    if (r.topic().equals("enriched-events")) {
                        EnrichedEvent e = enrichedReader.deserialize(r.topic(), r.value());
                        source = ((long) e.getSourcePartition() << 40) | e.getSourceOffset();
                        if (seen.add(source)) {
                            enriched++;
                            if (samples.size() < show) {
                                samples.add(e);
                            }
                        } else {
                            duplicates++;
                        }
                    } else {
                        DeadLetter d = deadLetterReader.deserialize(r.topic(), r.value());
                        source = ((long) d.getSourcePartition() << 40) | d.getSourceOffset();
                        if (seen.add(source)) {
                            deadLettered++;
                            categories.merge(d.getCategory().name(), 1, Integer::sum);
                        } else {
                            duplicates++;
                        }
                    }
                    lastOutput = System.nanoTime();
                }
                long now = System.nanoTime();
                if (now - lastProgress > (tty ? 250_000_000L : 2_000_000_000L)) {
                    lastProgress = now;
                    double secs = Math.max(1e-9, (now - start) / 1e9);
                    String line = String.format("produced %,d  enriched %,d  dead-lettered %,d  in flight %d  "
                                    + "%,.0f events/s", produced.get(), enriched, deadLettered, stats.inFlight(),
                            (enriched + deadLettered) / secs);
                    if (tty) {
                        err.print("\r" + line + "   ");
                    } else {
                        err.println(line);
                    }
                    err.flush();
                }
            }
        }
        if (tty) {
            err.println();
        }
        producer.join(10_000);
        com.fasterxml.jackson.databind.ObjectWriter pretty = JsonRendering.MAPPER.writer()
                .with(SerializationFeature.INDENT_OUTPUT);
        for (EnrichedEvent e : samples) {
            out.println(pretty.writeValueAsString(JsonRendering.record(e)));
        }
        long lost = events - seen.size();
        double seconds = Math.max(1e-9, (lastOutput - start) / 1e9);
        long throughput = Math.round(seen.size() / seconds);
        out.printf("demo: summary: %,d events in %.1f s; API calls %,d in flight at most; retries %,d; "
                        + "dead letters by category %s; duplicates seen %d%n", events, seconds, stats.peakInFlight(),
                stats.retries(), categories, duplicates);
        out.println("demo: events=" + events + " enriched=" + enriched + " dead_lettered=" + deadLettered + " lost="
                + lost + " throughput_eps=" + throughput);
        out.flush();
        return lost == 0 ? 0 : 1;
    }

    private void produce(String bootstrap, AtomicLong produced) {
        SampleCorpus corpus = SampleCorpus.load();
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", 5, "acks", "all", "enable.idempotence", true),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int n = 1; n <= events; n++) {
                SampleCorpus.SampleEvent e = corpus.event(n, 42);
                byte[] value = badEvery > 0 && n % badEvery == 0
                        ? ("{\"id\": \"" + e.id() + "\", \"text\": ").getBytes(StandardCharsets.UTF_8)
                        : e.json();
                byte[] key = ("customer-" + (n % keys)).getBytes(StandardCharsets.UTF_8);
                p.send(new ProducerRecord<>("raw-events", key, value), (m, ex) -> {
                    if (ex == null) {
                        produced.incrementAndGet();
                    }
                });
            }
            p.flush();
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            // a temp dir left behind is harmless
        }
    }
}
