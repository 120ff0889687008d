package dev.enricher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.config.EnricherConfig;
import dev.enricher.topology.PipelineSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.yml}: the services the local stack needs, wired to each other the way the enricher's mounted
 * configuration says, healthy before their dependents start, and reachable from the host only on loopback. (That the
 * file loads in docker-compose itself is checked by {@code .ci/run} with {@code docker-compose config -q}.)
 */
class ComposeFileTest {
    private static final String CONTAINER_CONFIG = "/etc/stream-enricher/enricher.yaml";

    private static JsonNode services;
    private static JsonNode enricher;
    private static EnricherConfig config;
    private static PipelineSettings pipeline;

    @BeforeAll
    static void load() {
        JsonNode compose = DeployFiles.yaml(DeployFiles.file("docker-compose.yml"));
        services = compose.path("services");
        enricher = service("enricher");
        String hostFile = null;
        for (JsonNode v : enricher.path("volumes")) {
            String[] parts = v.asText().split(":");
            if (parts.length >= 2 && parts[1].equals(CONTAINER_CONFIG)) {
                hostFile = parts[0];
            }
        }
        assertThat(hostFile).as("enricher mounts a configuration at %s", CONTAINER_CONFIG).isNotNull();
        Path file = DeployFiles.file(Path.of(hostFile).normalize().toString());
        config = DeployFiles.validEnricherConfig(DeployFiles.read(file), hostFile);
        pipeline = config.pipeline();
    }

    private static JsonNode service(String name) {
        assertThat(services.has(name)).as("docker-compose.yml has service %s", name).isTrue();
        return services.path(name);
    }

    @Test
    void hasKafkaRegistrySimulatorAndEnricherFromTheProjectsImage() {
        assertThat(service("kafka").path("image").asText()).startsWith("apache/kafka:");
        assertThat(service("registry").path("image").asText()).startsWith("apicurio/apicurio-registry:");
        for (String name : List.of("simulator", "enricher")) {
            JsonNode build = service(name).path("build");
            assertThat(build.path("dockerfile").asText()).as("%s is built from deploy/Dockerfile", name)
                    .isEqualTo("deploy/Dockerfile");
            DeployFiles.file(Path.of(build.path("context").asText(".")).resolve("deploy/Dockerfile").normalize()
                    .toString());
        }
        assertThat(service("simulator").path("image").asText()).isEqualTo(enricher.path("image").asText());
        assertThat(command(enricher)).containsExactly("run", "--config", CONTAINER_CONFIG);
    }

    @Test
    void simulatorListensOnAllInterfacesOfItsContainerWhereTheEnricherCallsIt() {
        List<String> cmd = command(service("simulator"));
        assertThat(cmd).startsWith("simulator");
        // The simulator binds 127.0.0.1 unless told otherwise: unreachable from the enricher's container.
        assertThat(option(cmd, "--host")).isEqualTo("0.0.0.0");
        String port = option(cmd, "--port");
        // Both the mounted file's api.base-url and the default of its environment override name the simulator.
        for (String url : List.of(config.client().baseUrl().toString(),
                environmentDefault(enricher, "ENRICHER_API_BASE_URL", config.client().baseUrl().toString()))) {
            URI base = URI.create(url);
            assertThat(base.getHost()).as(url).isEqualTo("simulator");
            assertThat(String.valueOf(base.getPort())).as(url).isEqualTo(port);
            assertThat(base.getPath()).as(url).isEqualTo("/v1");
        }
    }

    @Test
    void enricherReachesKafkaAndTheRegistryOnTheComposeNetwork() {
        Map<String, String> kafkaEnv = environment(service("kafka"));
        assertThat(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS")).contains("kafka:").contains("localhost:");
        String bootstrap = pipeline.bootstrapServers();
        assertThat(kafkaEnv.get("KAFKA_ADVERTISED_LISTENERS")).contains("//" + bootstrap);
        assertThat(config.registry().url().getHost()).isEqualTo("registry");
        // One broker: transactions (exactly_once_v2) need replication factors of 1.
        assertThat(kafkaEnv).containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
                .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1");
    }

    @Test
    void topicsOfTheEnricherAreCreatedBeforeItStarts() {
        String init = String.join(" ", command(service("kafka-init")));
        assertThat(init).contains(pipeline.inputTopic(), pipeline.enrichedTopic(), pipeline.deadLetterTopic());
        JsonNode dependsOn = enricher.path("depends_on");
        assertThat(dependsOn.path("kafka-init").path("condition").asText()).isEqualTo("service_completed_successfully");
        assertThat(dependsOn.path("registry").path("condition").asText()).isEqualTo("service_healthy");
        assertThat(dependsOn.path("simulator").path("condition").asText()).isEqualTo("service_healthy");
    }

    @Test
    void everyDependencyExistsAndEveryServerHasAHealthcheck() {
        services.fields().forEachRemaining(e -> {
            e.getValue().path("depends_on").fieldNames().forEachRemaining(d ->
                    assertThat(services.has(d)).as("%s depends on %s", e.getKey(), d).isTrue());
            if (!e.getKey().equals("kafka-init")) {
                assertThat(e.getValue().path("healthcheck").path("test")).as("%s healthcheck", e.getKey()).isNotEmpty();
            }
        });
        assertThat(String.join(" ", command(enricher.path("healthcheck").path("test")))).contains("/health/live")
                .contains(String.valueOf(config.opsPort()));
    }

    @Test
    void portsArePublishedOnLoopbackOnly() {
        services.fields().forEachRemaining(e -> {
            for (JsonNode p : e.getValue().path("ports")) {
                String hostIp = p.isObject() ? p.path("host_ip").asText("") : p.asText().split(":").length == 3
                        ? p.asText().split(":")[0] : "";
                assertThat(hostIp).as("%s publishes %s on the loopback only", e.getKey(), p).isEqualTo("127.0.0.1");
            }
        });
        assertThat(enricher.path("ports").toString()).contains(config.opsPort() + ":" + config.opsPort());
    }

    @Test
    void apiKeyIsPassedThroughFromTheEnvironmentNotWrittenDown() {
        String key = environment(enricher).get("ZEROGPU_API_KEY");
        assertThat(key).as("ZEROGPU_API_KEY of the enricher").startsWith("${ZEROGPU_API_KEY");
        assertThat(DeployFiles.read(DeployFiles.file("deploy/compose/enricher.yaml")))
                .contains("${ZEROGPU_API_KEY}");
        assertThat(pipeline.stateDir()).isEqualTo(Path.of("/var/lib/stream-enricher"));
        assertThat(enricher.path("volumes").toString()).contains(":/var/lib/stream-enricher");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static List<String> command(JsonNode serviceOrList) {
        JsonNode cmd = serviceOrList.has("command") ? serviceOrList.path("command") : serviceOrList;
        List<String> out = new ArrayList<>();
        if (cmd.isArray()) {
            cmd.forEach(c -> out.add(c.asText()));
        } else {
            out.addAll(List.of(cmd.asText().trim().split("\\s+")));
        }
        return out;
    }

    private static String option(List<String> cmd, String name) {
        int i = cmd.indexOf(name);
        assertThat(i).as("%s in %s", name, cmd).isNotNegative();
        return cmd.get(i + 1);
    }

    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new TreeMap<>();
        JsonNode e = service.path("environment");
        if (e.isObject()) {
            e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
        } else {
            e.forEach(kv -> {
                String[] parts = kv.asText().split("=", 2);
                env.put(parts[0], parts.length > 1 ? parts[1] : "");
            });
        }
        return env;
    }

    /** The default of {@code ${VAR:-default}} in a service's environment, or {@code fallback} when not set there. */
    private static String environmentDefault(JsonNode service, String name, String fallback) {
        String v = environment(service).get(name);
        if (v == null) {
            return fallback;
        }
        Matcher m = Pattern.compile("\\$\\{\\w+:-([^}]*)}").matcher(v);
        return m.matches() ? m.group(1) : v;
    }
}
