package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.local.EmbeddedKafka;
import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run} and {@code validate-config} through the real command line; the ops endpoints of a running service. */
class RunCommandTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String KEY = "zgpu-run-command-test-key";

    @TempDir
    Path dir;

    /** A service configuration for a test: IAB and PII redaction tasks, the in-memory registry. */
    static String config(String bootstrap, String apiUrl, Path state) {
        return """
                kafka:
                  bootstrap-servers: %s
                  application-id: run-test
                  input-topic: raw
                  enriched-topic: enriched
                  dead-letter-topic: dlq
                  state-dir: %s
                api:
                  base-url: %s
                  api-key: %s
                engine:
                  max-in-flight: 32
                  outage:
                    failures: 5
                    after: 500ms
                  probe:
                    interval: 200ms
                    max-interval: 500ms
                registry:
                  url: memory
                ops:
                  host: 127.0.0.1
                  port: 0
                tasks:
                  - {name: iab, type: iab}
                  - {name: pii, type: pii, options: {usecase: redact}}
                """.formatted(bootstrap, state, apiUrl, KEY);
    }

    private record Run(CommandLine cmd, StringWriter out, StringWriter err) {
    }

    private static Run command() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        return new Run(cmd, out, err);
    }

    @Test
    void validateConfigAcceptsAGoodFileAndListsEveryProblemOfABadOne() throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, config("127.0.0.1:9092", "http://127.0.0.1:1/v1", dir));
        Run ok = command();
        assertThat(ok.cmd().execute("validate-config", "--config", good.toString())).isZero();
        assertThat(ok.out().toString()).contains("is valid").contains("api.api-key = ****").doesNotContain(KEY);

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, config("127.0.0.1:9092", "http://127.0.0.1:1/v1", dir)
                .replace("max-in-flight: 32", "max-in-flight: lots").replace("input-topic:", "input-topik:"));
        Run no = command();
        assertThat(no.cmd().execute("validate-config", "--config", bad.toString())).isEqualTo(2);
        assertThat(no.err().toString()).contains("2 problems")
                .contains("engine.max-in-flight: 'lots' is not a whole number")
                .contains("kafka.input-topik: is not a known key (did you mean kafka.input-topic?)");
        Run missing = command();
        assertThat(missing.cmd().execute("run", "--config", dir.resolve("nope.yaml").toString())).isEqualTo(2);
        assertThat(missing.err().toString()).contains("does not exist");
    }

    @Test
    void validateConfigPrintsTheEnrichedSchemaAloneForAConsumersBuild() throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, config("127.0.0.1:9092", "http://127.0.0.1:1/v1", dir));
        Run ok = command();
        assertThat(ok.cmd().execute("validate-config", "--config", good.toString(), "--print-schema")).isZero();
        org.apache.avro.Schema printed = new org.apache.avro.Schema.Parser().parse(ok.out().toString());
        org.apache.avro.Schema results = printed.getField("results").schema();
        assertThat(results.getFields()).extracting(org.apache.avro.Schema.Field::name)
                .as("one field per configured task, in task order").containsExactly("iab", "pii");
        assertThat(results.getField("iab").schema().getTypes()).extracting(org.apache.avro.Schema::getFullName)
                .containsExactly("null", "dev.enricher.avro.IabResult");
        assertThat(printed.getField("text")).isNotNull();
        assertThat(printed.getField("model_calls")).isNotNull();

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, config("127.0.0.1:9092", "http://127.0.0.1:1/v1", dir).replace("type: iab", "type: nope"));
        Run no = command();
        assertThat(no.cmd().execute("validate-config", "--config", bad.toString(), "--print-schema")).isEqualTo(2);
        assertThat(no.out().toString()).as("nothing a build would take for a schema").isEmpty();
    }

    @Test
    void validateConfigPrintsAKafkaPrivateKeyAsStars() throws Exception {
        String pemBody = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7private";
        Path file = dir.resolve("tls.yaml");
        Files.writeString(file, config("127.0.0.1:9092", "http://127.0.0.1:1/v1", dir) + """
                streams:
                  security.protocol: SSL
                  ssl.keystore.type: PEM
                  ssl.keystore.key: |
                    -----BEGIN PRIVATE KEY-----
                    %s
                    -----END PRIVATE KEY-----
                  consumer.ssl.key.password: kp-secret-1
                """.formatted(pemBody));
        Run ok = command();
        assertThat(ok.cmd().execute("validate-config", "--config", file.toString())).as(ok.err().toString()).isZero();
        assertThat(ok.out().toString()).contains("streams.ssl.keystore.key = ****\n",
                        "streams.consumer.ssl.key.password = ****\n", "streams.ssl.keystore.type = PEM\n")
                .doesNotContain(pemBody).doesNotContain("PRIVATE KEY").doesNotContain("kp-secret-1");
    }

    @Test
    void runServesHealthAndMetricsThatMoveAndGoesUnreadyDuringAnOutage() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
             Simulator sim = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(20)).build())) {
            kafka.createTopic("raw", 2);
            kafka.createTopic("enriched", 2);
            kafka.createTopic("dlq", 1);
            Path file = dir.resolve("enricher.yaml");
            Files.writeString(file, config(kafka.bootstrapServers(), sim.baseUrl(), dir.resolve("state")));
            Run run = command();
            AtomicInteger exit = new AtomicInteger(-1);
            Thread t = new Thread(() -> exit.set(run.cmd().execute("run", "--config", file.toString())), "run-command");
            t.start();
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> run.out().toString().contains("on port"));
                Matcher m = Pattern.compile("on port (\\d+)").matcher(run.out().toString());
                assertThat(m.find()).isTrue();
                String ops = "http://127.0.0.1:" + m.group(1);
                await().atMost(Duration.ofSeconds(60)).until(() -> get(ops + "/health/ready").statusCode() == 200);
                assertThat(get(ops + "/health/live").statusCode()).isEqualTo(200);

                produce(kafka, 0, 200);
                await().atMost(Duration.ofSeconds(60)).until(() -> metric(get(ops + "/metrics").body(),
                        "enricher_enriched_total") >= 200);
                String metrics = get(ops + "/metrics").body();
                assertThat(metrics).contains("enricher_calls_in_flight", "enricher_calls_waiting_for_limit",
                        "enricher_concurrency_limit",
                        "enricher_api_latency_seconds_bucket{model=\"zlm-v1-iab-classify-edge\",outcome=\"success\"",
                        "enricher_api_responses_total", "enricher_tokens_total{direction=\"in\"",
                        "enricher_cost_usd_total", "enricher_dead_letters_total{category=\"API_RECORD_ERROR\"",
                        "enricher_retries_total", "enricher_circuit_open", "enricher_pending_events",
                        "enricher_oldest_pending_age_seconds", "jvm_memory_used_bytes", "kafka_stream_",
                        "enricher_budget_used_ratio", "enricher_budget_paused", "enricher_budget_spent_usd{window=\"hour\"");
                assertThat(metric(metrics, "enricher_tokens_total{direction=\"in\",model=\"zlm-v1-iab-classify-edge\",task=\"iab\"}"))
                        .isPositive();
                assertThat(metrics).doesNotContain(KEY);

                sim.faults(FaultSettings.none().withOutage(true));
                produce(kafka, 200, 50);
                await().atMost(Duration.ofSeconds(60)).until(() -> get(ops + "/health/ready").statusCode() == 503);
                assertThat(get(ops + "/health/ready").body()).contains("circuit=OPEN");
                assertThat(metric(get(ops + "/metrics").body(), "enricher_circuit_open")).isEqualTo(1.0);
                assertThat(get(ops + "/health/live").statusCode()).isEqualTo(200);

                sim.faults(FaultSettings.none());
                await().atMost(Duration.ofSeconds(60)).until(() -> get(ops + "/health/ready").statusCode() == 200);
                await().atMost(Duration.ofSeconds(60)).until(() -> metric(get(ops + "/metrics").body(),
                        "enricher_enriched_total") >= 250);
                String after = get(ops + "/metrics").body();
                assertThat(metric(after, "enricher_circuit_opens_total")).isGreaterThanOrEqualTo(1.0);
                assertThat(metric(after, "enricher_dead_letters_total{category=\"API_RETRIES_EXHAUSTED\"}")).isZero();
            } finally {
                t.interrupt();
                t.join(60_000);
            }
            assertThat(t.isAlive()).isFalse();
            assertThat(exit.get()).as(run.err().toString()).isZero();
            assertThat(run.out().toString() + run.err().toString()).doesNotContain(KEY);
        }
    }

    /**
     * A normal start (and a stop) of {@code run}, with a configuration that leaves the state directory to the
     * default, logs no WARN that asks nothing of the operator: not Kafka Streams' warning about a state directory in
     * the OS temp directory (the service picks one in the home directory), nor the exactly-once producer's retried
     * CONCURRENT_TRANSACTIONS (filtered in logback.xml).
     */
    @Test
    void aNormalRunLogsNoWarningThatAsksNothingOfTheOperator() throws Exception {
        String app = "quiet-run-" + System.nanoTime();
        Path defaultState = Path.of(System.getProperty("user.home"), ".stream-enricher", "state", app);
        List<String> warnings;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(null, 0);
             Simulator sim = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).build())) {
            kafka.createTopic("raw", 2);
            kafka.createTopic("enriched", 2);
            kafka.createTopic("dlq", 1);
            Path file = dir.resolve("enricher.yaml");
            // No state-dir: what a user who did not think of it gets.
            Files.writeString(file, config(kafka.bootstrapServers(), sim.baseUrl(), dir)
                    .replace("  state-dir: " + dir + "\n", "")
                    .replace("application-id: run-test", "application-id: " + app));
            try (WarningLog log = WarningLog.capture()) {
                Run run = command();
                AtomicInteger exit = new AtomicInteger(-1);
                Thread t = new Thread(() -> exit.set(run.cmd().execute("run", "--config", file.toString())),
                        "run-command");
                t.start();
                try {
                    await().atMost(Duration.ofSeconds(60)).until(() -> run.out().toString().contains("on port"));
                    Matcher m = Pattern.compile("on port (\\d+)").matcher(run.out().toString());
                    assertThat(m.find()).isTrue();
                    String ops = "http://127.0.0.1:" + m.group(1);
                    produce(kafka, 0, 50);
                    await().atMost(Duration.ofSeconds(60)).until(() -> metric(get(ops + "/metrics").body(),
                            "enricher_enriched_total") >= 50);
                } finally {
                    t.interrupt();
                    t.join(60_000);
                }
                assertThat(exit.get()).as(run.err().toString()).isZero();
                assertThat(defaultState).as("the state directory the service picked").isDirectory();
                warnings = log.unexpected();
            }
        } finally {
            deleteTree(defaultState);
        }
        assertThat(warnings).isEmpty();
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (Files.exists(p)) {
            try (var walk = Files.walk(p)) {
                for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(x);
                }
            }
        }
    }

    private static void produce(EmbeddedKafka kafka, int from, int n) {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (int i = from; i < from + n; i++) {
                p.send(new ProducerRecord<>("raw", "k" + (i % 13), "{\"id\":\"e" + i + "\",\"text\":\"Hi, this is Jane "
                        + "Cooper, jane.cooper@example.com. The football boots of order " + i + " never arrived.\"}"));
            }
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The value of the first sample line starting with {@code name} (a name, or a name with its labels). */
    static double metric(String body, String name) {
        double sum = 0;
        boolean found = false;
        for (String line : body.lines().toList()) {
            if (line.startsWith(name) && (line.charAt(name.length()) == ' ' || line.charAt(name.length()) == '{'
                    || name.endsWith("}"))) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? sum : -1;
    }
}
