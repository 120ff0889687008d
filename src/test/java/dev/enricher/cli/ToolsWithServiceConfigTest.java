package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.testing.DeadLetters;
import dev.enricher.testing.KafkaPerClass;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tail} and {@code replay-dlq} reach what the service reaches with {@code --config enricher.yaml}: a Schema
 * Registry behind basic auth (a loopback server that answers the Confluent API from an in-memory registry, and 401
 * without the right credentials), and the Kafka settings under {@code streams:}; options given on the command line
 * override the file.
 */
class ToolsWithServiceConfigTest {
    private static final String USER = "svc-enricher";
    private static final String PASSWORD = "reg-Pa55word-7f3a";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InMemorySchemaRegistry SCHEMAS = new InMemorySchemaRegistry();
    private static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final KafkaPerClass KAFKA = new KafkaPerClass();

    private static HttpServer registry;

    @TempDir
    Path dir;

    @BeforeAll
    static void startRegistry() throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/schemas/ids/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            AUTHORIZATIONS.add(String.valueOf(auth));
            int status;
            String body;
            if (!expected.equals(auth)) {
                status = 401;
                body = "{\"error_code\":401,\"message\":\"Unauthorized\"}";
            } else {
                int id = Integer.parseInt(exchange.getRequestURI().getPath().substring("/schemas/ids/".length()));
                status = 200;
                body = JSON.writeValueAsString(Map.of("schema", SCHEMAS.schemaById(id).toString()));
            }
            byte[] out = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        registry.start();
    }

    @AfterAll
    static void stopRegistry() {
        registry.stop(0);
    }

    private static String registryUrl() {
        return "http://127.0.0.1:" + registry.getAddress().getPort();
    }

    /** The service's file: the password comes from the environment, as a deployment would give it. */
    private Path serviceConfig(String streams) throws IOException {
        Path file = dir.resolve("enricher-" + System.nanoTime() + ".yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap-servers: %s
                registry:
                  url: %s
                  username: %s
                  password: ${REGISTRY_PASSWORD}
                streams:
                %s
                tasks:
                  - {name: iab, type: iab}
                """.formatted(KAFKA.bootstrapServers(), registryUrl(), USER, streams.indent(2).stripTrailing()));
        return file;
    }

    /** Runs a tool with {@code env} as the process environment its --config is read with. */
    private static Cli.Result run(Map<String, String> env, String... args) {
        return Cli.run(cmd -> {
            Object tool = Cli.command(cmd, args[0]);
            ServiceConfigOption option = tool instanceof TailCommand t ? t.serviceConfig
                    : ((ReplayDlqCommand) tool).serviceConfig;
            option.env = env;
        }, args);
    }

    private static Map<String, String> env(String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("REGISTRY_PASSWORD", PASSWORD));
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void tailAndReplayDlqUseTheServicesRegistryCredentialsFromConfig() throws Exception {
        KAFKA.createTopic("enriched-secured", 1);
        KAFKA.createTopic("dlq-secured", 1);
        KAFKA.createTopic("raw-secured", 1);
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers());
             var enriched = AvroSerdes.generic(SCHEMAS, AvroSerdeConfig.defaults());
             var deadLetters = AvroSerdes.specific(DeadLetter.class, SCHEMAS, AvroSerdeConfig.defaults())) {
            producer.send(new ProducerRecord<>("enriched-secured", DeadLetters.utf8("evt-5"),
                    enriched.serializer().serialize("enriched-secured", BenchSerdeCommand.event(5)))).get();
            producer.send(new ProducerRecord<>("dlq-secured", DeadLetters.utf8("user-2"),
                    deadLetters.serializer().serialize("dlq-secured", DeadLetters.of(
                            DeadLetterCategory.API_RETRIES_EXHAUSTED, DeadLetters.utf8("user-2"),
                            DeadLetters.utf8("{\"id\":\"2\",\"text\":\"hello\"}"), null)))).get();
        }
        Path config = serviceConfig("{}");

        Cli.Result withoutConfig = Cli.run("tail", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic",
                "enriched-secured", "--registry-url", registryUrl(), "--from-beginning", "--max", "1");
        assertThat(withoutConfig.exit()).as(withoutConfig.err()).isEqualTo(1);
        assertThat(withoutConfig.err()).contains("Unauthorized", "check the registry credentials",
                "the registry.* settings (credentials, TLS) of --config");

        AUTHORIZATIONS.clear();
        Cli.Result tail = run(env(), "tail", "--config", config.toString(), "--topic", "enriched-secured",
                "--from-beginning", "--max", "1");
        assertThat(tail.exit()).as(tail.err()).isZero();
        JsonNode doc = JSON.readTree(tail.out());
        assertThat(doc.get("value_encoding").asText()).isEqualTo("avro");
        assertThat(doc.at("/value/id").asText()).isEqualTo("evt-5");
        assertThat(AUTHORIZATIONS).isNotEmpty().allSatisfy(a -> assertThat(a).startsWith("Basic "));

        // The environment overrides the file exactly as for the service: a wrong password is refused.
        Cli.Result overridden = run(env("ENRICHER_REGISTRY_PASSWORD", "not-the-password"), "tail", "--config",
                config.toString(), "--topic", "enriched-secured", "--from-beginning", "--max", "1");
        assertThat(overridden.exit()).as(overridden.err()).isEqualTo(1);
        assertThat(overridden.err()).contains("Unauthorized").doesNotContain("not-the-password");

        Cli.Result replay = run(env(), "replay-dlq", "--config", config.toString(), "--from", "dlq-secured",
                "--to", "raw-secured");
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.lastLine()).startsWith("replay-dlq: read=1 replayed=1 ");
        List<ConsumerRecord<byte[], byte[]>> raw = Cli.readAll(KAFKA.bootstrapServers(), "raw-secured", 1);
        assertThat(raw).hasSize(1);
        assertThat(raw.get(0).value()).asString().isEqualTo("{\"id\":\"2\",\"text\":\"hello\"}");

        for (Cli.Result r : List.of(withoutConfig, tail, overridden, replay)) {
            assertThat(r.out() + r.err()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void theRegistryUrlOptionOverridesTheFilesAndKeepsItsCredentials() throws Exception {
        KAFKA.createTopic("enriched-moved", 1);
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers());
             var enriched = AvroSerdes.generic(SCHEMAS, AvroSerdeConfig.defaults())) {
            producer.send(new ProducerRecord<>("enriched-moved",
                    enriched.serializer().serialize("enriched-moved", BenchSerdeCommand.event(6)))).get();
        }
        // The file names a registry nobody listens on; the option points at the live one.
        Path config = Files.writeString(dir.resolve("moved.yaml"), Files.readString(serviceConfig("{}"))
                .replace(registryUrl(), "http://127.0.0.1:1"));
        Cli.Result tail = run(env(), "tail", "--config", config.toString(), "--registry-url", registryUrl(),
                "--topic", "enriched-moved", "--from-beginning", "--max", "1");
        assertThat(tail.exit()).as(tail.err()).isZero();
        assertThat(JSON.readTree(tail.out()).at("/value/id").asText()).isEqualTo("evt-6");
    }

    @Test
    void theServicesKafkaSettingsReachTheToolsClientsAndTheCommandLineOverridesThem() throws Exception {
        KAFKA.createTopic("plain", 1);
        try (KafkaProducer<byte[], byte[]> producer = Cli.producer(KAFKA.bootstrapServers())) {
            producer.send(new ProducerRecord<>("plain", "hello".getBytes(StandardCharsets.UTF_8))).get();
        }
        // The service talks SASL to its cluster: so does the tool, and without a login module that fails at once.
        Path config = serviceConfig("""
                security.protocol: SASL_PLAINTEXT
                sasl.mechanism: PLAIN
                commit.interval.ms: 50
                """);
        Cli.Result sasl = run(env(), "tail", "--config", config.toString(), "--topic", "plain", "--from-beginning",
                "--max", "1");
        assertThat(sasl.exit()).isEqualTo(1);
        assertThat(sasl.err()).contains("tail: Kafka failed").contains("--config");

        Cli.Result plain = run(env(), "tail", "--config", config.toString(), "--client-property",
                "security.protocol=PLAINTEXT", "--topic", "plain", "--from-beginning", "--max", "1");
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(JSON.readTree(plain.out()).get("value").asText()).isEqualTo("hello");
    }

    @Test
    void aBadFileOrNoClusterAtAllIsABadOption() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "kafka:\n  bootstrap-server: x:1\n");
        Cli.Result r = run(env(), "tail", "--config", bad.toString(), "--topic", "t");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--config: ").contains("kafka.bootstrap-server: is not a known key");

        Cli.Result none = Cli.run("tail", "--topic", "t");
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("--bootstrap-servers").contains("--config");

        Cli.Result memory = run(env(), "replay-dlq", "--config", Files.writeString(dir.resolve("memory.yaml"),
                Files.readString(serviceConfig("{}")).replace(registryUrl(), "memory")).toString(),
                "--from", "dlq", "--to", "raw");
        assertThat(memory.exit()).isEqualTo(2);
        assertThat(memory.err()).contains("--registry-url is required", "'memory'");
    }
}
