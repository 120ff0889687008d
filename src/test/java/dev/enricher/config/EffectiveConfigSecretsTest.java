package dev.enricher.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.topology.KafkaProperties;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * The effective configuration ({@code validate-config} prints it) never shows a secret: not one of the service's own
 * secret keys, and not one Kafka property that Kafka itself types as a password, plain or with any client prefix
 * Kafka Streams understands. The list of those properties is Kafka's own ConfigDefs, not a list kept here.
 */
class EffectiveConfigSecretsTest {
    private static final String MARK = "s3cr3t-";
    private static final List<String> PREFIXES = List.of("", "consumer.", "producer.", "admin.", "main.consumer.",
            "restore.consumer.", "global.consumer.");
    private static final String PEM = """
            -----BEGIN ENCRYPTED PRIVATE KEY-----
            MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI%sAgIIADAMBggqhkiG
            -----END ENCRYPTED PRIVATE KEY-----""".formatted(MARK);

    /** Every property some Kafka Streams or client ConfigDef types as {@link ConfigDef.Type#PASSWORD}. */
    static Set<String> kafkaPasswordProperties() {
        Set<String> names = new TreeSet<>();
        for (ConfigDef def : List.of(StreamsConfig.configDef(), ConsumerConfig.configDef(),
                ProducerConfig.configDef(), AdminClientConfig.configDef())) {
            def.configKeys().forEach((name, key) -> {
                if (key.type == ConfigDef.Type.PASSWORD) {
                    names.add(name);
                }
            });
        }
        return names;
    }

    private static String yaml(String streams) {
        return """
                kafka:
                  bootstrap-servers: localhost:9092
                api:
                  api-key: ${ZEROGPU_API_KEY}
                registry:
                  url: https://registry:8081
                streams:
                %s
                tasks:
                  - {name: iab, type: iab}
                """.formatted(streams.indent(2).stripTrailing());
    }

    @Test
    void everyKafkaPasswordPropertyPlainOrClientPrefixedIsMasked() {
        Set<String> passwords = kafkaPasswordProperties();
        assertThat(passwords).as("Kafka's own list, found by type")
                .contains("ssl.keystore.key", "ssl.key.password", "sasl.jaas.config", "ssl.truststore.certificates")
                .hasSizeGreaterThan(8);
        List<String> properties = new ArrayList<>();
        StringBuilder streams = new StringBuilder();
        int n = 0;
        for (String name : passwords) {
            for (String prefix : PREFIXES) {
                properties.add(prefix + name);
                streams.append('"').append(prefix).append(name).append("\": \"").append(MARK).append(n++)
                        .append("\"\n");
            }
        }
        EnricherConfig c = EnricherConfig.parse(yaml(streams.toString()), EnricherConfigTest.ENV, "t");
        String shown = c.describe();
        for (String property : properties) {
            assertThat(shown).contains("streams." + property + " = ****\n");
        }
        assertThat(shown).doesNotContain(MARK);
        assertThat(c.pipeline().toString()).as("the settings as a string, should anything log them")
                .doesNotContain(MARK).contains("ssl.keystore.key=****");
    }

    @Test
    void aPemPrivateKeyFromTheEnvironmentIsMaskedAndOtherPropertiesAreShown() {
        Map<String, String> env = new HashMap<>(EnricherConfigTest.ENV);
        env.put("ENRICHER_STREAMS_SSL_KEYSTORE_KEY", PEM);
        EnricherConfig c = EnricherConfig.parse(yaml("""
                security.protocol: SSL
                ssl.keystore.type: PEM
                commit.interval.ms: 50
                my.login.module.secret.file: "%s1"
                some.plugin.setting: visible
                """.formatted(MARK)), env, "t");
        assertThat(c.streamsProperties()).containsEntry("ssl.keystore.key", PEM);
        String shown = c.describe();
        assertThat(shown).doesNotContain(MARK).doesNotContain("BEGIN ENCRYPTED PRIVATE KEY")
                .contains("streams.ssl.keystore.key = ****\n")
                .as("a name no ConfigDef knows that says it is a secret")
                .contains("streams.my.login.module.secret.file = ****\n")
                .contains("streams.security.protocol = SSL\n", "streams.ssl.keystore.type = PEM\n",
                        "streams.commit.interval.ms = 50\n", "streams.some.plugin.setting = visible\n");
    }

    @Test
    void everySecretKeyOfTheServiceIsMasked() {
        Map<String, String> env = new HashMap<>();
        env.put("ZEROGPU_API_KEY", MARK + "api");
        String basic = yaml("{}").replace("  url: https://registry:8081", """
                url: https://registry:8081
                username: svc
                password: %1$spassword
                tls:
                  trust-store: /etc/tls/trust.p12
                  trust-store-password: %1$strust
                  key-store: /etc/tls/key.p12
                  key-store-password: %1$skey
                """.formatted(MARK).indent(2).stripTrailing()).replace("  - {name: iab, type: iab}", """
                  - {name: iab, type: iab}
                  - {name: pii, type: pii, options: {usecase: redact}}
                privacy:
                  redact-with: pii
                  entity-hash-key: %1$shash-key-of-the-deployment
                tracing:
                  headers: api-key=%1$sotlp-backend-key
                """.formatted(MARK).stripTrailing());
        String token = yaml("{}").replace("  url: https://registry:8081", """
                url: https://registry:8081
                bearer-token: %stoken
                """.formatted(MARK).indent(2).stripTrailing());
        String shown = EnricherConfig.parse(basic, env, "basic").describe()
                + EnricherConfig.parse(token, env, "token").describe();
        assertThat(shown).doesNotContain(MARK);
        List<ConfigKey<?>> secrets = ConfigKeys.all().stream().filter(ConfigKey::secret).toList();
        assertThat(secrets).extracting(ConfigKey::name).contains("api.api-key", "registry.password",
                "registry.bearer-token", "privacy.entity-hash-key", "tracing.headers");
        for (ConfigKey<?> k : secrets) {
            assertThat(shown).contains(k.name() + " = ****\n");
        }
    }

    @Test
    void theToolsGetTheConnectionSettingsOfTheirClientAndNothingOfProcessing() {
        EnricherConfig c = EnricherConfig.parse(yaml("""
                security.protocol: SASL_SSL
                sasl.mechanism: PLAIN
                sasl.jaas.config: "org.apache.kafka.common.security.plain.PlainLoginModule required username=u password=p;"
                ssl.truststore.location: /etc/tls/kafka-trust.p12
                consumer.ssl.truststore.location: /etc/tls/consumer-trust.p12
                producer.sasl.mechanism: SCRAM-SHA-512
                commit.interval.ms: 50
                max.poll.records: 10
                isolation.level: read_uncommitted
                """), EnricherConfigTest.ENV, "t");
        assertThat(c.kafkaClient(KafkaProperties.Client.CONSUMER)).containsOnly(
                Map.entry("bootstrap.servers", "localhost:9092"), Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"),
                Map.entry("sasl.jaas.config", c.streamsProperties().get("sasl.jaas.config")),
                Map.entry("ssl.truststore.location", "/etc/tls/consumer-trust.p12"));
        assertThat(c.kafkaClient(KafkaProperties.Client.PRODUCER)).containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/etc/tls/kafka-trust.p12")
                .doesNotContainKeys("commit.interval.ms", "max.poll.records", "isolation.level");
    }

    @Test
    void toolsLoadTheServicesFileWithoutAnApiKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path f = dir.resolve("enricher.yaml");
        java.nio.file.Files.writeString(f, yaml("{}").replace("  api-key: ${ZEROGPU_API_KEY}\n", ""));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EnricherConfig.load(f, Map.of()))
                .hasMessageContaining("api.api-key: is not set");
        EnricherConfig tools = EnricherConfig.loadForTools(f, Map.of("ENRICHER_REGISTRY_USERNAME", "svc",
                "ENRICHER_REGISTRY_PASSWORD", MARK));
        assertThat(tools.registry().username()).isEqualTo("svc");
        assertThat(tools.registry().password()).isEqualTo(MARK);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EnricherConfig.loadForTools(f,
                Map.of("ENRICHER_REGISTRY_USERNAME", "svc"))).as("otherwise checked as for the service")
                .hasMessageContaining("registry.password: is missing");
    }
}
