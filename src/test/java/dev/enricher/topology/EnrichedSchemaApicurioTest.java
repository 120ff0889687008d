package dev.enricher.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.avro.DeadLetter;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.Choice;
import dev.enricher.client.Usage;
import dev.enricher.config.EnricherConfig;
import dev.enricher.engine.CallInfo;
import dev.enricher.engine.FinishedEvent;
import dev.enricher.engine.InputRecord;
import dev.enricher.engine.TaskOutcome;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.HttpSchemaRegistry;
import dev.enricher.serde.RegistryException;
import dev.enricher.serde.decode.DecodedEvent;
import dev.enricher.service.EnricherService;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.testing.ApicurioRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The enriched topic's schema, derived from the configuration, against a real Apicurio Registry (global rule
 * BACKWARD): a prompt task's typed field is accepted; a downstream consumer reads a record with classes the Avro
 * Maven plugin generated from that schema ({@code examples/registry-consumer}, built by the invoker before the
 * tests); a task whose type changes under the same name is refused at start in the registry's words, with what to
 * do; adding and removing tasks is accepted.
 */
class EnrichedSchemaApicurioTest {
    @RegisterExtension
    static final ApicurioRegistry APICURIO = new ApicurioRegistry();

    private static final Path EXAMPLE = Path.of("examples", "registry-consumer");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EnricherConfig exampleConfig() {
        return EnricherConfig.loadForTools(EXAMPLE.resolve("enricher.yaml"), Map.of());
    }

    @Test
    void theExamplesSchemaIsWhatItsConfigurationProduces() throws IOException {
        Schema committed = new Schema.Parser().parse(EXAMPLE.resolve("src/main/avro/EnrichedEvent.avsc").toFile());
        assertThat(committed.toString(true))
                .as("regenerate with: java -jar target/stream-enricher.jar validate-config --config "
                        + "examples/registry-consumer/enricher.yaml --print-schema")
                .isEqualTo(OutputSchema.of(exampleConfig().tasks()).toString(true));
    }

    @Test
    void aConsumerReadsThePromptTasksTypedFieldWithClassesGeneratedFromTheRegistrysSchema() throws Exception {
        List<EnrichmentTask> tasks = exampleConfig().tasks();
        HttpSchemaRegistry registry = APICURIO.client();
        String topic = "enriched-codegen";
        Serializer<GenericRecord> serializer = AvroSerdes.generic(registry, AvroSerdeConfig.defaults()).serializer();
        serializer.configure(Map.of(), false);
        Serializer<DeadLetter> dlq = AvroSerdes.specific(DeadLetter.class, registry, AvroSerdeConfig.defaults())
                .serializer();
        dlq.configure(Map.of(), false);
        RecordAssembler assembler = new RecordAssembler(topic, "dlq-codegen", tasks, serializer, dlq);

        EnrichmentTask iab = tasks.get(0);
        EnrichmentTask sentiment = tasks.get(1);
        CallInfo call = new CallInfo("cmpl-1", "req-1", 12, 7, 40, 1, 1_000, 1_000);
        FinishedEvent event = new FinishedEvent(
                new InputRecord("k".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8),
                        List.of(), 1_000, "raw-events", 0, 42),
                new DecodedEvent("I love these boots", "e1", Map.of()),
                List.of(new TaskOutcome("iab", iab.model(), iab.parse(completion("{\"audience\":[{\"name\":\"Sports"
                                + " Fans\",\"score\":0.9}],\"content\":{\"iab_1_0\":[],\"iab_2_2\":[]}}")), call, null),
                        new TaskOutcome("sentiment", sentiment.model(), sentiment.parse(completion("```json\n"
                                + "{\"label\":\"positive\",\"score\":0.92,\"reasons\":[\"love\"]}\n```")), call, null)),
                null);
        byte[] value = assembler.enriched(event, 2_000).value();

        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        Schema registered = new Schema.Parser().parse(JSON.readTree(get("/schemas/ids/" + id)).path("schema").asText());
        Schema committed = new Schema.Parser().parse(EXAMPLE.resolve("src/main/avro/EnrichedEvent.avsc").toFile());
        assertThat(registered).as("the schema Apicurio holds is the one the consumer generated its classes from")
                .isEqualTo(committed);

        Path classes = EXAMPLE.resolve("target/classes");
        assertThat(classes.resolve("example/ReadEnriched.class"))
                .as("the example is built by the invoker before the tests (mvn verify; not with -Dinvoker.skip)")
                .exists();
        try (URLClassLoader consumer = new ChildFirst(new URL[] {classes.toUri().toURL()})) {
            Object decoder = consumer.loadClass("example.RegistryDecoder").getConstructor(String.class)
                    .newInstance(APICURIO.ccompatUrl());
            Object record = decoder.getClass().getMethod("decode", byte[].class).invoke(decoder, (Object) value);
            assertThat(record.getClass().getName()).isEqualTo("dev.enricher.avro.EnrichedEvent");
            assertThat(record.getClass().getClassLoader()).as("the consumer's generated class").isSameAs(consumer);
            Object results = record.getClass().getMethod("getResults").invoke(record);
            Object typed = results.getClass().getMethod("getSentiment").invoke(results);
            assertThat(typed.getClass().getName()).isEqualTo("dev.enricher.results.SentimentResult");
            String line = (String) consumer.loadClass("example.ReadEnriched")
                    .getMethod("describe", record.getClass()).invoke(null, record);
            assertThat(line).isEqualTo("raw-events@42 sentiment=positive score=0.92 reasons=[love]"
                    + " audience=Sports Fans");
        }
    }

    @Test
    void aTaskWhoseTypeChangesUnderTheSameNameIsRefusedAtStartInTheRegistrysWords() {
        String base = """
                kafka:
                  bootstrap-servers: 127.0.0.1:1
                  input-topic: in
                  enriched-topic: enriched-evolve
                  dead-letter-topic: dlq-evolve
                api:
                  base-url: http://127.0.0.1:1/v1
                  api-key: zgpu-test
                registry:
                  url: %s
                tasks:
                %s""";
        String url = APICURIO.ccompatUrl();
        EnricherConfig first = EnricherConfig.parse(base.formatted(url, "  - {name: summary, type: text_generation}\n"
                + "  - {name: iab, type: iab}\n"), Map.of(), "first.yaml");
        assertThat(register(first)).as("first version").isPositive();
        EnricherConfig added = EnricherConfig.parse(base.formatted(url, "  - {name: summary, type: text_generation}\n"
                + "  - {name: pii, type: pii}\n"), Map.of(), "added.yaml");
        assertThat(register(added)).as("a task added and one removed: BACKWARD compatible").isPositive();

        EnricherConfig changed = EnricherConfig.parse(base.formatted(url, "  - {name: summary, type: thinking}\n"
                + "  - {name: pii, type: pii}\n"), Map.of(), "changed.yaml");
        assertThatThrownBy(() -> EnricherService.start(changed, APICURIO.client()))
                .isInstanceOf(RegistryException.class)
                .hasMessageContaining("Refusing to start")
                .hasMessageContaining("enriched-evolve-value")
                .hasMessageContaining("Rename the task")
                .hasMessageContaining("set the compatibility of subject 'enriched-evolve-value' to NONE")
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.INCOMPATIBLE));
    }

    /** Registers a configuration's enriched schema as the service does at start. */
    private static int register(EnricherConfig config) {
        return APICURIO.client().register(config.pipeline().enrichedTopic() + "-value",
                OutputSchema.of(config.tasks()));
    }

    private static ChatCompletion completion(String content) {
        return new ChatCompletion("cmpl-1", 1L, "m", List.of(new Choice(0, "assistant", content, "stop")),
                new Usage(12, 7, 19), "req-1", 1, Duration.ofMillis(40));
    }

    private static String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(APICURIO.ccompatUrl() + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        return r.body();
    }

    /**
     * Loads the consumer's own classes (its generated {@code dev.enricher.avro} and {@code dev.enricher.results}
     * records, and {@code example}) from its build, not the service's same-named classes: as in the consumer's JVM.
     */
    private static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls) {
            super(urls, EnrichedSchemaApicurioTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("example.") || name.startsWith("dev.enricher.avro.")
                        || name.startsWith("dev.enricher.results.")) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        c = findClass(name);
                    }
                    if (resolve) {
                        resolveClass(c);
                    }
                    return c;
                }
                return super.loadClass(name, resolve);
            }
        }
    }
}
