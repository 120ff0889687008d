package dev.enricher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.engine.Ordering;
import dev.enricher.engine.TaskFailurePolicy;
import dev.enricher.tasks.LongInput;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.ProcessingGuarantee;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnricherConfigTest {
    static final String SECRET = "zgpu-very-secret-key-123";
    static final Map<String, String> ENV = Map.of("ZEROGPU_API_KEY", SECRET);

    static final String VALID = """
            kafka:
              bootstrap-servers: localhost:9092
              input-topic: raw
              enriched-topic: enriched
              dead-letter-topic: dlq
              guarantee: at_least_once
              stream-threads: 2
            api:
              api-key: ${ZEROGPU_API_KEY}
              request-timeout: 20s
            engine:
              max-in-flight: 512
              ordering: unordered
              on-task-failure: publish-partial
              retry:
                max-attempts: 4
                initial-backoff: 250ms
            registry:
              url: http://registry:8081
            streams:
              commit.interval.ms: 50
              security:
                protocol: SASL_SSL
            tasks:
              - {name: iab, type: iab}
              - {name: questions, type: followup_questions}
              - name: pii
                type: pii
                options: {usecase: redact}
            """;

    @Test
    void aValidFileBecomesTypedSettings() {
        EnricherConfig c = EnricherConfig.parse(VALID, ENV, "test.yaml");
        PipelineSettings s = c.pipeline();
        assertThat(s.inputTopic()).isEqualTo("raw");
        assertThat(s.enrichedTopic()).isEqualTo("enriched");
        assertThat(s.deadLetterTopic()).isEqualTo("dlq");
        assertThat(s.guarantee()).isEqualTo(ProcessingGuarantee.AT_LEAST_ONCE);
        assertThat(s.streamThreads()).isEqualTo(2);
        assertThat(s.engine().maxInFlight()).isEqualTo(512);
        assertThat(s.engine().ordering()).isEqualTo(Ordering.UNORDERED);
        assertThat(s.engine().onTaskFailure()).isEqualTo(TaskFailurePolicy.PUBLISH_PARTIAL);
        assertThat(s.engine().retry().maxAttempts()).isEqualTo(4);
        assertThat(s.engine().retry().initialBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.streamsOverrides()).containsEntry("commit.interval.ms", "50")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(s.tasks()).extracting(t -> t.name()).containsExactly("iab", "questions", "pii");
        assertThat(c.client().requestTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.client().apiKey().reveal()).isEqualTo(SECRET);
        assertThat(c.registry().url().toString()).isEqualTo("http://registry:8081");
        assertThat(c.opsPort()).isEqualTo(8081);
    }

    @Test
    void environmentVariablesOverrideEveryKeyAndAddKafkaProperties() {
        Map<String, String> env = Map.of("ZEROGPU_API_KEY", SECRET, "ENRICHER_KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "ENRICHER_ENGINE_MAX_IN_FLIGHT", "64", "ENRICHER_STREAMS_NUM_STANDBY_REPLICAS", "1",
                "ENRICHER_TASKS", "[{name: zs, type: zero_shot, options: {labels: [a, b]}}]");
        EnricherConfig c = EnricherConfig.parse(VALID, env, "test.yaml");
        PipelineSettings s = c.pipeline();
        assertThat(s.bootstrapServers()).isEqualTo("broker:9093");
        assertThat(s.engine().maxInFlight()).isEqualTo(64);
        assertThat(s.streamsOverrides()).containsEntry("num.standby.replicas", "1");
        assertThat(s.tasks()).extracting(t -> t.name()).containsExactly("zs");
    }

    @Test
    void substitutionTakesDefaultsAndKeepsEscapes() {
        String yaml = VALID.replace("input-topic: raw", "input-topic: ${IN_TOPIC:-raw-default}")
                .replace("enriched-topic: enriched", "enriched-topic: \"$${literal}\"");
        EnricherConfig c = EnricherConfig.parse(yaml, ENV, "t");
        assertThat(c.pipeline().inputTopic()).isEqualTo("raw-default");
        assertThat(c.pipeline().enrichedTopic()).isEqualTo("${literal}");
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("missing bootstrap servers", VALID.replace("bootstrap-servers: localhost:9092", ""),
                        "kafka.bootstrap-servers: is required: set it in the file or as ENRICHER_KAFKA_BOOTSTRAP_SERVERS"),
                Arguments.of("misspelt key", VALID.replace("bootstrap-servers:", "bootstrap-server:"),
                        "kafka.bootstrap-server: is not a known key (did you mean kafka.bootstrap-servers?)"),
                Arguments.of("not a number", VALID.replace("stream-threads: 2", "stream-threads: two"),
                        "kafka.stream-threads: 'two' is not a whole number; a whole number from 1 to 64"),
                Arguments.of("out of range", VALID.replace("stream-threads: 2", "stream-threads: 0"),
                        "kafka.stream-threads: '0' is out of range; a whole number from 1 to 64"),
                Arguments.of("bad guarantee", VALID.replace("guarantee: at_least_once", "guarantee: exactly_once"),
                        "kafka.guarantee: 'exactly_once' is not valid; give one of exactly_once_v2, at_least_once"),
                Arguments.of("bad duration", VALID.replace("request-timeout: 20s", "request-timeout: 20"),
                        "api.request-timeout: '20' is not a duration; give a number with a unit"),
                Arguments.of("bad url", VALID.replace("request-timeout: 20s", "base-url: ftp://x"),
                        "api.base-url: 'ftp://x' is not an http or https URL"),
                Arguments.of("bad boolean", VALID.replace("request-timeout: 20s", "adaptive-concurrency: yes please"),
                        "api.adaptive-concurrency: 'yes please' is not a boolean; give true or false"),
                Arguments.of("unset env var", VALID.replace("${ZEROGPU_API_KEY}", "${NOT_SET_ANYWHERE}"),
                        "line 9: ${NOT_SET_ANYWHERE} is not set in the environment"),
                Arguments.of("no tasks", VALID.substring(0, VALID.indexOf("tasks:")),
                        "tasks: is required: list at least one task"),
                Arguments.of("unknown task type", VALID.replace("type: iab}", "type: iab_v9}"),
                        "tasks[0].type: unknown task type 'iab_v9'; valid types:"),
                Arguments.of("bad task option", VALID.replace("usecase: redact}", "usecase: shred}"),
                        "tasks[2]:"),
                Arguments.of("duplicate task names", VALID.replace("name: questions", "name: iab"),
                        "task name 'iab' is used twice"),
                Arguments.of("same topics", VALID.replace("enriched-topic: enriched", "enriched-topic: raw"),
                        "input, enriched and dead-letter topics must differ"),
                Arguments.of("list where a value goes", VALID.replace("input-topic: raw", "input-topic: [a, b]"),
                        "kafka.input-topic: is a list, but a single value is expected here"),
                Arguments.of("not yaml", "kafka: [unclosed", "file: is not valid YAML"),
                Arguments.of("registry missing", VALID.replace("url: http://registry:8081", ""),
                        "registry.url: is required"),
                Arguments.of("streams sets what a key owns", VALID.replace("commit.interval.ms: 50",
                        "application.id: other"), "streams.application.id: is set by a kafka.* key; set that instead"),
                Arguments.of("admission wait too long", VALID.replace("max-in-flight: 512",
                        "max-admission-wait: 8s"), "engine max admission wait must be <= 5s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void everyBadFileNamesTheKeyAndTheFix(String what, String yaml, String expected) {
        assertThatThrownBy(() -> EnricherConfig.parse(yaml, ENV, "bad.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }

    @Test
    void callResultsAreOnByDefaultOnATopicNamedAfterTheApplicationAndEveryBoundIsConfigurable() {
        dev.enricher.results.CallResultSettings d = EnricherConfig.parse(VALID, ENV, "t").callResults();
        assertThat(d.enabled()).isTrue();
        assertThat(d.topic()).isEqualTo("stream-enricher-call-results");
        assertThat(d.ttl()).isEqualTo(Duration.ofDays(7));
        assertThat(d.maxBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(d.partitions()).isEqualTo(6);
        assertThat(d.replicationFactor()).isEqualTo((short) -1);

        EnricherConfig custom = EnricherConfig.parse(VALID + """
                cache:
                  topic: answers
                  ttl: 2d
                  max-size-mb: 64
                  partitions: 3
                  replication-factor: 3
                budget:
                  usd-per-hour: 1.5
                  usd-per-day: 20
                """, ENV, "t");
        assertThat(custom.pipeline().callResults()).isEqualTo(new dev.enricher.results.CallResultSettings(true,
                "answers", 3, (short) 3, Duration.ofDays(2), 64L * 1024 * 1024, Duration.ofMinutes(5)));
        assertThat(custom.pipeline().budget()).isEqualTo(new dev.enricher.engine.BudgetSettings(1.5, 20));
        assertThat(EnricherConfig.parse(VALID.replace("request-timeout: 20s", "request-timeout: 20s\n  tokens-per-minute: 90000"),
                ENV, "t").client().limits().tokensPerMinute()).isEqualTo(90_000);

        EnricherConfig off = EnricherConfig.parse(VALID + "cache:\n  enabled: false\n", ENV, "t");
        assertThat(off.pipeline().callResults().enabled()).isFalse();
        assertThat(EnricherConfig.parse(VALID, ENV, "t").pipeline().budget().any()).isFalse();
    }

    @Test
    void badCacheAndBudgetValuesNameTheirKey() {
        assertThatThrownBy(() -> EnricherConfig.parse(VALID + "cache:\n  ttl: soon\n", ENV, "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cache.ttl")
                .hasMessageContaining("7d");
        assertThatThrownBy(() -> EnricherConfig.parse(VALID + "budget:\n  usd-per-hour: -1\n", ENV, "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("budget.usd-per-hour")
                .hasMessageContaining(">= 0");
        assertThatThrownBy(() -> EnricherConfig.parse(VALID + "cache:\n  topic: raw\n", ENV, "t"))
                .hasMessageContaining("call-results topic must be a topic of its own");
    }

    @Test
    void aMissingApiKeySaysHowToSetIt() {
        assertThatThrownBy(() -> EnricherConfig.parse(VALID.replace("api-key: ${ZEROGPU_API_KEY}", "request-timeout: 5s")
                .replace("  request-timeout: 20s\n", ""), Map.of(), "t"))
                .hasMessageContaining("api.api-key: is not set: export ZEROGPU_API_KEY");
    }

    @Test
    void secretsNeverAppearInMessagesOrTheEffectiveConfiguration() {
        String yaml = VALID.replace("url: http://registry:8081", "url: http://registry:8081\n  password: " + SECRET);
        assertThatThrownBy(() -> EnricherConfig.parse(yaml, ENV, "t"))
                .hasMessageContaining("registry")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
        EnricherConfig c = EnricherConfig.parse(VALID, ENV, "t");
        assertThat(c.describe()).doesNotContain(SECRET).contains("api.api-key = ****");
        assertThat(c.toString()).doesNotContain(SECRET);
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        assertThatThrownBy(() -> EnricherConfig.load(dir.resolve("nope.yaml"), ENV))
                .hasMessageContaining("nope.yaml").hasMessageContaining("does not exist");
    }

    @Test
    void aFileOnDiskLoads(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("enricher.yaml");
        Files.writeString(f, VALID);
        assertThat(EnricherConfig.load(f, ENV).pipeline().inputTopic()).isEqualTo("raw");
    }

    @Test
    void aTasksConditionIsCompiledAtStartAndReachesThePipeline() {
        EnricherConfig c = EnricherConfig.parse(VALID.replace("- {name: questions, type: followup_questions}",
                "- {name: questions, type: followup_questions, when: \"attributes.category == 'news'\"}"), ENV, "t");
        assertThat(c.pipeline().conditions()).containsOnlyKeys("questions");
        assertThat(c.pipeline().conditions().get("questions").expression()).isEqualTo("attributes.category == 'news'");
    }

    @Test
    void aBadConditionIsRefusedNamingTheTaskAndThePosition() {
        String yaml = VALID.replace("- {name: questions, type: followup_questions}",
                "- {name: questions, type: followup_questions, when: \"attributes.category = 'news'\"}")
                .replace("- {name: iab, type: iab}", "- {name: iab, type: iab, when: 42}");
        assertThatThrownBy(() -> EnricherConfig.parse(yaml, ENV, "bad.yaml"))
                .hasMessageContaining("tasks[1].when").hasMessageContaining("task 'questions'")
                .hasMessageContaining("line 1, column")
                .hasMessageContaining("tasks[0].when").hasMessageContaining("must be a condition in CEL, as a string");
    }

    @Test
    void inputsConditionsOverResultsAndLongInputHandlingReachThePipeline() {
        EnricherConfig c = EnricherConfig.parse(VALID.replace("- {name: questions, type: followup_questions}",
                "- {name: questions, type: followup_questions, input: pii.redacted_text, on-long-input: dead-letter,"
                        + " when: \"results.iab.audience.size() > 0\"}")
                .replace("- {name: iab, type: iab}", "- {name: iab, type: iab, max_input_tokens: 1000}"), ENV, "t");
        PipelineSettings p = c.pipeline();
        assertThat(p.inputs()).containsExactly(Map.entry("questions", "pii.redacted_text"));
        assertThat(p.graph().dependencies(1)).containsExactly(0, 2);
        assertThat(p.graph().order()).containsExactly(0, 2, 1);
        assertThat(p.longInputs().get("questions")).isEqualTo(new LongInput(LongInput.Mode.DEAD_LETTER, 400));
        assertThat(p.longInputs().get("iab")).isEqualTo(new LongInput(LongInput.Mode.CHUNK, 1000));
        assertThat(p.longInputs().get("pii")).as("the type's default, the catalog's limit")
                .isEqualTo(new LongInput(LongInput.Mode.CHUNK, 800));
    }

    @Test
    void aBadGraphOrLongInputSettingIsRefusedNamingTheTask() {
        String yaml = VALID.replace("- {name: questions, type: followup_questions}",
                        "- {name: questions, type: followup_questions, input: pii.entities}")
                .replace("- {name: iab, type: iab}", "- {name: iab, type: iab, on-long-input: split, inputs: x}");
        assertThatThrownBy(() -> EnricherConfig.parse(yaml, ENV, "bad.yaml"))
                .hasMessageContaining("tasks[0].on-long-input").hasMessageContaining("chunk, truncate, dead-letter")
                .hasMessageContaining("tasks[0].inputs").hasMessageContaining("is not a task key");
        String cycle = VALID.replace("- {name: questions, type: followup_questions}",
                "- {name: questions, type: followup_questions, input: pii.redacted_text}")
                .replace("options: {usecase: redact}", "options: {usecase: redact}\n    when: \"size(results.questions.questions) > 0\"");
        assertThatThrownBy(() -> EnricherConfig.parse(cycle, ENV, "cycle.yaml"))
                .hasMessageContaining("tasks:").hasMessageContaining("depend on each other in a cycle");
        String chunkText = VALID.replace("- {name: questions, type: followup_questions}",
                "- {name: questions, type: followup_questions, on-long-input: chunk}");
        assertThatThrownBy(() -> EnricherConfig.parse(chunkText, ENV, "chunk.yaml"))
                .hasMessageContaining("tasks[1].on-long-input").hasMessageContaining("cannot be merged");
    }

    @Test
    void privacyRedactsWithAPiiTaskThatRedactsAndNamesWhatIsWrongOtherwise() {
        EnricherConfig c = EnricherConfig.parse(VALID + """
                privacy:
                  redact-with: pii
                  drop-attributes: [email, user_id]
                  dead-letter-value: drop
                """, ENV, "t");
        PipelineSettings p = c.pipeline();
        assertThat(p.privacy().dropAttributes()).containsExactly("email", "user_id");
        assertThat(p.privacy().dropDeadLetterValue()).isTrue();
        assertThat(p.effectiveInputs()).containsExactly(Map.entry("iab", "pii.redacted_text"),
                Map.entry("questions", "pii.redacted_text"));

        assertThatThrownBy(() -> EnricherConfig.parse(VALID.replace("options: {usecase: redact}", "") + """
                privacy: {redact-with: pii}
                """, ENV, "t")).hasMessageContaining("privacy:").hasMessageContaining("does not redact")
                .hasMessageContaining("options.usecase: redact");
        assertThatThrownBy(() -> EnricherConfig.parse(VALID + """
                privacy: {redact-with: pi}
                """, ENV, "t")).hasMessageContaining("names task 'pi', which is not configured");
        assertThatThrownBy(() -> EnricherConfig.parse(VALID + """
                privacy: {entity-hash-key: "0123456789abcdef0123"}
                """, ENV, "t")).hasMessageContaining("privacy.redact-with is not")
                .hasMessageNotContaining("0123456789abcdef0123");
    }

    @Test
    void modelsOverrideTheCatalogsLimitsAndPricesAndAddNewOnes() {
        EnricherConfig c = EnricherConfig.parse(VALID.replace("- {name: iab, type: iab}",
                "- {name: iab, type: iab, model: acme-classifier}") + """
                models:
                  - {id: zlm-v1-followup-questions-edge, input-limit-tokens: 1000}
                  - {id: acme-classifier, input-limit-tokens: 2048, usd-per-million-in: 0.5, usd_per_million_out: 1.5}
                """, ENV, "t");
        assertThat(c.catalog().find("acme-classifier")).contains(
                new dev.enricher.client.ModelSpec("acme-classifier", 2048, 0.5, 1.5));
        assertThat(c.catalog().find("zlm-v1-followup-questions-edge")).contains(
                new dev.enricher.client.ModelSpec("zlm-v1-followup-questions-edge", 1000, 0.02, 0.05));
        PipelineSettings p = c.pipeline();
        assertThat(p.catalog()).isSameAs(c.catalog());
        assertThat(p.longInputs().get("iab")).isEqualTo(new LongInput(LongInput.Mode.CHUNK, 2048));
        assertThat(p.longInputs().get("questions")).isEqualTo(new LongInput(LongInput.Mode.TRUNCATE, 1000));

        assertThatThrownBy(() -> EnricherConfig.parse(VALID + """
                models:
                  - {id: acme-classifier, input-limit-tokens: 2048}
                  - {id: zlm-v1-iab-classify-edge, usd-per-million-in: -1, price: 3}
                  - {input-limit-tokens: 10}
                """, ENV, "bad.yaml"))
                .hasMessageContaining("models[0].usd-per-million-in").hasMessageContaining("is required for a model")
                .hasMessageContaining("models[1].usd-per-million-in").hasMessageContaining("must be a number >= 0.0")
                .hasMessageContaining("models[1].price").hasMessageContaining("is not a model key")
                .hasMessageContaining("models[2].id");
    }

    @Test
    void apiHttpVersionIsOneOneByDefaultTwoWhenAskedAndAnythingElseIsRefusedNamingTheKey() {
        assertThat(EnricherConfig.parse(VALID, ENV, "t").client().httpVersion())
                .isEqualTo(dev.enricher.client.ClientConfig.HttpVersion.HTTP_1_1);
        assertThat(EnricherConfig.parse(VALID.replace("request-timeout: 20s", "request-timeout: 20s\n  http-version: 2"),
                ENV, "t").client().httpVersion()).isEqualTo(dev.enricher.client.ClientConfig.HttpVersion.HTTP_2);
        assertThat(EnricherConfig.parse(VALID.replace("request-timeout: 20s", "request-timeout: 20s\n  http-version: 1.1"),
                ENV, "t").client().httpVersion()).isEqualTo(dev.enricher.client.ClientConfig.HttpVersion.HTTP_1_1);
        assertThat(EnricherConfig.parse(VALID, Map.of("ZEROGPU_API_KEY", SECRET, "ENRICHER_API_HTTP_VERSION", "2"), "t")
                .client().httpVersion()).isEqualTo(dev.enricher.client.ClientConfig.HttpVersion.HTTP_2);
        assertThatThrownBy(() -> EnricherConfig.parse(VALID.replace("request-timeout: 20s",
                "request-timeout: 20s\n  http-version: h2"), ENV, "bad.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("api.http-version: 'h2' is not valid; give one of 1.1, 2");
    }

    @Test
    void tracingIsOffByDefaultAndItsKeysAreReadCheckedAndNeverPrinted() {
        dev.enricher.tracing.TracingSettings off = EnricherConfig.parse(VALID, ENV, "t").tracing();
        assertThat(off.enabled()).isFalse();
        assertThat(off.endpoint()).isNull();
        assertThat(off.sampler()).isEqualTo("parentbased_traceidratio");
        assertThat(off.ratio()).isEqualTo(1.0);
        assertThat(off.protocol()).isEqualTo("http/protobuf");
        assertThat(off.serviceName()).isEqualTo("stream-enricher");

        String yaml = VALID + "\ntracing:\n  endpoint: http://jaeger:4317\n  protocol: grpc\n  sampler: traceidratio\n"
                + "  sampler-ratio: 0.01\n  service-name: enricher-eu\n  resource-attributes: deployment.environment.name=prod\n"
                + "  headers: ${OTLP_HEADERS}\n";
        Map<String, String> env = Map.of("ZEROGPU_API_KEY", SECRET, "OTLP_HEADERS", "api-key=otlp-s3cr3t");
        EnricherConfig config = EnricherConfig.parse(yaml, env, "t");
        dev.enricher.tracing.TracingSettings on = config.tracing();
        assertThat(on.endpoint()).hasToString("http://jaeger:4317");
        assertThat(on.protocol()).isEqualTo("grpc");
        assertThat(on.sampler()).isEqualTo("traceidratio");
        assertThat(on.ratio()).isEqualTo(0.01);
        assertThat(on.serviceName()).isEqualTo("enricher-eu");
        assertThat(on.resourceAttributes()).isEqualTo("deployment.environment.name=prod");
        assertThat(on.headers()).isEqualTo("api-key=otlp-s3cr3t");
        assertThat(config.describe()).doesNotContain("otlp-s3cr3t");
        assertThat(config.toString()).doesNotContain("otlp-s3cr3t");

        assertThatThrownBy(() -> EnricherConfig.parse(VALID + "\ntracing:\n  sampler-ratio: 2\n", ENV, "bad.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tracing.sampler-ratio")
                .hasMessageContaining("from 0.0 to 1.0");
        assertThatThrownBy(() -> EnricherConfig.parse(VALID + "\ntracing:\n  sampler: sometimes\n", ENV, "bad.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tracing.sampler: 'sometimes' is not valid");
        assertThatThrownBy(() -> EnricherConfig.parse(VALID + "\ntracing:\n  protocol: zipkin\n", ENV, "bad.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tracing.protocol");
    }
}
