package dev.enricher.deploy;

import static dev.enricher.deploy.DeployFiles.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.config.EnricherConfig;
import dev.enricher.topology.PipelineSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests in {@code deploy/k8s}: what a StatefulSet of this service needs to be set, and that the files agree
 * with each other (names, labels, ports, the state directory, topic and partition counts) and with the service's own
 * configuration validation.
 */
class KubernetesManifestsTest {
    private static final String PARTITIONS_ANNOTATION = "stream-enricher.dev/input-partitions";

    private static final Map<String, JsonNode> BY_KIND = new HashMap<>();
    private static final List<Path> FILES = new ArrayList<>();
    private static JsonNode statefulSet;
    private static JsonNode podSpec;
    private static JsonNode container;
    private static JsonNode configMap;
    private static EnricherConfig config;
    private static PipelineSettings pipeline;

    @BeforeAll
    static void load() throws IOException {
        Path dir = DeployFiles.root().resolve("deploy/k8s");
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(FILES::add);
        }
        for (Path f : FILES) {
            for (JsonNode doc : DeployFiles.yamlDocuments(f)) {
                String kind = doc.path("kind").asText();
                assertThat(kind).as("kind of a document in %s", f.getFileName()).isNotBlank();
                assertThat(BY_KIND.put(kind, doc)).as("one %s in deploy/k8s", kind).isNull();
            }
        }
        statefulSet = kind("StatefulSet");
        podSpec = statefulSet.path("spec").path("template").path("spec");
        assertThat(podSpec.path("containers")).hasSize(1);
        container = podSpec.path("containers").get(0);
        configMap = kind("ConfigMap");
        config = DeployFiles.validEnricherConfig(configMap.path("data").path("enricher.yaml").asText(),
                "deploy/k8s/configmap.yaml");
        pipeline = config.pipeline();
    }

    private static JsonNode kind(String kind) {
        assertThat(BY_KIND).as("deploy/k8s has a %s", kind).containsKey(kind);
        return BY_KIND.get(kind);
    }

    @Test
    void everyManifestIsNamedAndListedInTheKustomization() {
        Set<String> listed = new TreeSet<>();
        kind("Kustomization").path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> present = FILES.stream().map(p -> p.getFileName().toString())
                .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).isEqualTo(present);
        BY_KIND.forEach((kind, doc) -> {
            if (!kind.equals("Kustomization")) {
                assertThat(doc.path("apiVersion").asText()).as("%s apiVersion", kind).isNotBlank();
                assertThat(doc.path("metadata").path("name").asText()).as("%s name", kind).isNotBlank();
            }
        });
    }

    @Test
    void configMapHoldsAValidConfigurationWithTheThreeTopicsAndOneStandby() {
        assertThat(List.of(pipeline.inputTopic(), pipeline.enrichedTopic(), pipeline.deadLetterTopic()))
                .doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).isNotBlank());
        JsonNode kafka = configYaml().path("kafka");
        assertThat(kafka.path("input-topic").asText()).isEqualTo(pipeline.inputTopic());
        assertThat(kafka.path("enriched-topic").asText()).isEqualTo(pipeline.enrichedTopic());
        assertThat(kafka.path("dead-letter-topic").asText()).isEqualTo(pipeline.deadLetterTopic());
        assertThat(config.streamsProperties()).containsEntry("num.standby.replicas", "1");
        assertThat(pipeline.guarantee().streamsValue()).isEqualTo("exactly_once_v2");
    }

    @Test
    void apiKeyInTheConfigMapIsOnlyAReferenceToTheEnvironment() {
        JsonNode apiKey = at(configYaml(), "api.api-key");
        assertThat(apiKey.asText()).isEqualTo("${ZEROGPU_API_KEY}");
        assertThat(configMap.path("data").path("enricher.yaml").asText()).doesNotContainPattern("zgpu-[A-Za-z0-9]");
    }

    @Test
    void stateDirectoryIsAPersistentVolumeClaimTemplateMountedWhereTheServiceKeepsItsState() {
        Path stateDir = pipeline.stateDir();
        assertThat(stateDir).as("kafka.state-dir in the ConfigMap").isNotNull();
        String claim = mountNameAt(stateDir.toString());
        assertThat(statefulSet.path("spec").path("volumeClaimTemplates"))
                .anySatisfy(t -> {
                    assertThat(t.path("metadata").path("name").asText()).isEqualTo(claim);
                    assertThat(t.path("spec").path("resources").path("requests").path("storage").asText()).isNotBlank();
                });
        // Not shadowed by an ephemeral volume of the same name.
        assertThat(podSpec.path("volumes")).noneSatisfy(v -> assertThat(v.path("name").asText()).isEqualTo(claim));
    }

    @Test
    void probesAskLivenessAndReadinessOnTheOpsPort() {
        int opsPort = config.opsPort();
        assertThat(probe("livenessProbe").path("path").asText()).isEqualTo("/health/live");
        assertThat(probe("readinessProbe").path("path").asText()).isEqualTo("/health/ready");
        assertThat(containerPort(probe("livenessProbe").path("port"))).isEqualTo(opsPort);
        assertThat(containerPort(probe("readinessProbe").path("port"))).isEqualTo(opsPort);
        if (container.has("startupProbe")) {
            assertThat(probe("startupProbe").path("path").asText()).isEqualTo("/health/live");
        }
    }

    @Test
    void runsAsNonRootOnAReadOnlyRootWithWritableStateAndTmp() {
        JsonNode pod = podSpec.path("securityContext");
        JsonNode c = container.path("securityContext");
        assertThat(pod.path("runAsNonRoot").asBoolean() || c.path("runAsNonRoot").asBoolean()).isTrue();
        int uid = c.path("runAsUser").asInt(pod.path("runAsUser").asInt(0));
        assertThat(uid).as("runAsUser").isPositive();
        assertThat(c.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(c.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        for (String writable : List.of("/tmp", pipeline.stateDir().toString())) {
            assertThat(mountAt(writable).path("readOnly").asBoolean(false)).as("%s is writable", writable).isFalse();
        }
        // The image's user, so the volumes' group ownership (fsGroup) matches the process.
        assertThat(DeployFiles.read(DeployFiles.file("deploy/Dockerfile"))).contains("USER " + uid);
    }

    @Test
    void apiKeyComesOnlyFromTheSecretAndNoSecretIsALiteral() {
        JsonNode secret = kind("Secret");
        JsonNode key = null;
        for (JsonNode e : container.path("env")) {
            String name = e.path("name").asText();
            if (name.matches("(?i).*(KEY|TOKEN|PASSWORD|SECRET|CREDENTIAL).*")) {
                assertThat(e.has("value")).as("env %s must come from a Secret, not a literal value", name).isFalse();
            }
            if (name.equals("ZEROGPU_API_KEY")) {
                key = e;
            }
        }
        assertThat(key).as("env ZEROGPU_API_KEY").isNotNull();
        JsonNode ref = key.path("valueFrom").path("secretKeyRef");
        assertThat(ref.path("name").asText()).isEqualTo(secret.path("metadata").path("name").asText());
        String secretKey = ref.path("key").asText();
        assertThat(secret.path("stringData").has(secretKey) || secret.path("data").has(secretKey))
                .as("Secret has key %s", secretKey).isTrue();
        // envFrom would expose every key of whatever it names: the key is the only secret, by name.
        assertThat(container.path("envFrom").isMissingNode() || container.path("envFrom").isEmpty()).isTrue();
    }

    @Test
    void configurationIsMountedFromTheConfigMapWhereTheCommandReadsIt() {
        List<String> args = new ArrayList<>();
        container.path("args").forEach(a -> args.add(a.asText()));
        assertThat(args).startsWith("run");
        int i = args.indexOf("--config");
        assertThat(i).as("--config in %s", args).isPositive();
        Path configFile = Path.of(args.get(i + 1));
        String volume = mountNameAt(configFile.getParent().toString());
        JsonNode v = volumeNamed(volume);
        assertThat(v.path("configMap").path("name").asText()).isEqualTo(configMap.path("metadata").path("name").asText());
        assertThat(configMap.path("data").has(configFile.getFileName().toString())).isTrue();
    }

    @Test
    void podsSpreadOverNodesAndStateSurvivesDisruptionsOneAtATime() {
        JsonNode anti = podSpec.path("affinity").path("podAntiAffinity");
        List<JsonNode> terms = new ArrayList<>();
        anti.path("requiredDuringSchedulingIgnoredDuringExecution").forEach(terms::add);
        anti.path("preferredDuringSchedulingIgnoredDuringExecution").forEach(t -> terms.add(t.path("podAffinityTerm")));
        assertThat(terms).as("pod anti-affinity terms").isNotEmpty().allSatisfy(t -> {
            assertThat(t.path("topologyKey").asText()).isNotBlank();
            assertThat(selects(t.path("labelSelector").path("matchLabels"))).isTrue();
        });
        JsonNode resources = container.path("resources");
        assertThat(resources.path("requests").path("cpu").asText()).isNotBlank();
        assertThat(resources.path("requests").path("memory").asText()).isNotBlank();
        assertThat(resources.path("limits").path("memory").asText()).isNotBlank();
    }

    @Test
    void disruptionBudgetSelectsThePods() {
        JsonNode pdb = kind("PodDisruptionBudget");
        assertThat(selects(pdb.path("spec").path("selector").path("matchLabels"))).isTrue();
        assertThat(pdb.path("spec").has("maxUnavailable") || pdb.path("spec").has("minAvailable")).isTrue();
        assertThat(statefulSet.path("spec").path("selector").path("matchLabels"))
                .isEqualTo(pdb.path("spec").path("selector").path("matchLabels"));
    }

    @Test
    void headlessServiceGovernsTheStatefulSetAndExposesTheMetricsPort() {
        JsonNode service = kind("Service");
        assertThat(service.path("spec").path("clusterIP").asText()).isEqualTo("None");
        assertThat(statefulSet.path("spec").path("serviceName").asText())
                .isEqualTo(service.path("metadata").path("name").asText());
        assertThat(selects(service.path("spec").path("selector"))).isTrue();
        assertThat(service.path("spec").path("ports")).anySatisfy(p -> {
            assertThat(p.path("name").asText()).contains("metrics");
            assertThat(containerPort(p.path("targetPort").isMissingNode() ? p.path("port") : p.path("targetPort")))
                    .isEqualTo(config.opsPort());
        });
    }

    @Test
    void kedaScalesTheStatefulSetOnInputLagAndNeverBeyondTheInputPartitions() {
        JsonNode scaled = kind("ScaledObject");
        JsonNode spec = scaled.path("spec");
        assertThat(spec.path("scaleTargetRef").path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(spec.path("scaleTargetRef").path("name").asText())
                .isEqualTo(statefulSet.path("metadata").path("name").asText());
        int partitions = Integer.parseInt(configMap.path("metadata").path("annotations").path(PARTITIONS_ANNOTATION)
                .asText("0"));
        assertThat(partitions).as("ConfigMap annotation %s", PARTITIONS_ANNOTATION).isPositive();
        JsonNode own = scaled.path("metadata").path("annotations").path(PARTITIONS_ANNOTATION);
        if (!own.isMissingNode()) {
            assertThat(Integer.parseInt(own.asText())).isEqualTo(partitions);
        }
        int min = spec.path("minReplicaCount").asInt(0);
        int max = spec.path("maxReplicaCount").asInt(-1);
        assertThat(max).as("maxReplicaCount (replicas never exceed the input partitions)").isBetween(1, partitions);
        assertThat(min).isBetween(1, max);
        assertThat(statefulSet.path("spec").path("replicas").asInt(1)).isBetween(min, max);
        assertThat(spec.path("triggers")).anySatisfy(t -> {
            assertThat(t.path("type").asText()).isEqualTo("kafka");
            JsonNode m = t.path("metadata");
            assertThat(m.path("topic").asText()).isEqualTo(pipeline.inputTopic());
            // Kafka Streams' consumer group is its application.id.
            assertThat(m.path("consumerGroup").asText()).isEqualTo(pipeline.applicationId());
            assertThat(m.path("bootstrapServers").asText()).isEqualTo(pipeline.bootstrapServers());
            assertThat(Long.parseLong(m.path("lagThreshold").asText())).isPositive();
            assertThat(m.path("allowIdleConsumers").asText("false")).isEqualTo("false");
        });
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static JsonNode configYaml() {
        try {
            return DeployFiles.YAML.readTree(configMap.path("data").path("enricher.yaml").asText());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode probe(String name) {
        JsonNode get = container.path(name).path("httpGet");
        assertThat(get.isObject()).as("%s is an httpGet probe", name).isTrue();
        return get;
    }

    /** A port given by number or by the container's port name, as a number. */
    private static int containerPort(JsonNode port) {
        if (port.isInt() || port.asText().matches("\\d+")) {
            return port.asInt();
        }
        for (JsonNode p : container.path("ports")) {
            if (p.path("name").asText().equals(port.asText())) {
                return p.path("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + port.asText());
    }

    private static String mountNameAt(String path) {
        return mountAt(path).path("name").asText();
    }

    private static JsonNode mountAt(String path) {
        for (JsonNode m : container.path("volumeMounts")) {
            if (Path.of(m.path("mountPath").asText()).equals(Path.of(path))) {
                return m;
            }
        }
        throw new AssertionError("nothing is mounted at " + path);
    }

    private static JsonNode volumeNamed(String name) {
        for (JsonNode v : podSpec.path("volumes")) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no pod volume named " + name);
    }

    /** True when a non-empty label selector matches the StatefulSet's pod labels. */
    private static boolean selects(JsonNode matchLabels) {
        JsonNode podLabels = statefulSet.path("spec").path("template").path("metadata").path("labels");
        if (!matchLabels.isObject() || matchLabels.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) matchLabels::fields) {
            if (!podLabels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }
}
