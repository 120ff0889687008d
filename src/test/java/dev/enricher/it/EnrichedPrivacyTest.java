package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.PiiEntity;
import dev.enricher.avro.PiiResult;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.tools.SampleCorpus;
import dev.enricher.topology.EnrichedRecords;
import dev.enricher.topology.Privacy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code privacy: {redact-with: pii}} on the in-process broker with the simulator: every name, e-mail address and
 * phone number the sample corpus put into its events appears in no byte of any enriched record (values, keys and
 * headers as written), while the other tasks, asked about the redacted text, still produce results.
 */
class EnrichedPrivacyTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();

    private static final String HASH_KEY = "test-entity-hash-key-0123456789";

    @Test
    void noPersonalDataOfTheSampleCorpusReachesAnyByteOfTheEnrichedTopic() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(1)).seed(11));
        PipelineFixture.Topics t = fx.topics("privacy", 2);
        OutputReader reader = fx.reader(t);
        List<EnrichmentTask> tasks = List.of(
                TaskFactory.create(new TaskSpec("pii", TaskType.PII, null, Map.of("usecase", "redact"))),
                TaskFactory.create(new TaskSpec("entities", TaskType.GLINER_NER, null,
                        Map.of("labels", List.of("person", "organization", "location")))),
                TaskFactory.create(TaskSpec.of(TaskType.TEXT_GENERATION)),
                TaskFactory.create(TaskSpec.of(TaskType.IAB)));
        fx.start(fx.settings(t, "state", tasks)
                .privacy(new Privacy("pii", List.of("source"), false, HASH_KEY)).build());

        SampleCorpus corpus = SampleCorpus.load();
        List<PipelineFixture.Draft> drafts = new ArrayList<>();
        Set<String> personal = new HashSet<>();
        for (int n = 1; n <= 300; n++) {
            SampleCorpus.SampleEvent ev = corpus.event(n, 42);
            personal.addAll(ev.personalData());
            drafts.add(new PipelineFixture.Draft("k" + (n % 7), ev.id(), ev.text(), ev.json(), List.of()));
        }
        assertThat(personal).as("the corpus does put personal data in").hasSizeGreaterThan(100);
        List<Sent> sent = fx.send(t.input(), drafts);
        reader.awaitAll(sent, Duration.ofMinutes(3));
        assertThat(reader.deadLetterCount()).isZero();

        // The API's request and completion ids are random letters and digits: "Mia" may turn up inside one by chance.
        // They are taken out of the bytes searched; nothing of the event reaches them.
        Set<String> randomIds = new HashSet<>();
        for (Sent s : sent) {
            for (GenericRecord call : EnrichedRecords.modelCalls(reader.only(s).enriched())) {
                for (String field : List.of("request_id", "completion_id")) {
                    if (call.get(field) != null) {
                        randomIds.add(call.get(field).toString());
                    }
                }
            }
        }
        int records = 0;
        for (ConsumerRecord<byte[], byte[]> r : readRaw(t.enriched(), sent.size())) {
            records++;
            List<byte[]> bytes = new ArrayList<>();
            bytes.add(r.value());
            if (r.key() != null) {
                bytes.add(r.key());
            }
            for (Header h : r.headers()) {
                bytes.add(h.value() == null ? new byte[0] : h.value());
                bytes.add(h.key().getBytes(StandardCharsets.UTF_8));
            }
            for (byte[] b : bytes) {
                // ISO-8859-1 maps every byte to one char: a byte search, in the JDK's own String.contains.
                String haystack = new String(b, StandardCharsets.ISO_8859_1);
                for (String id : randomIds) {
                    haystack = haystack.replace(id, "");
                }
                for (String value : personal) {
                    String needle = new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
                    int at = haystack.indexOf(needle);
                    assertThat(at).as("'%s' in enriched record %s@%s: ...%s...", value, r.partition(), r.offset(),
                            at < 0 ? "" : haystack.substring(Math.max(0, at - 80),
                                    Math.min(haystack.length(), at + 80))).isNegative();
                }
            }
        }
        assertThat(records).isEqualTo(sent.size());

        int withEntities = 0;
        for (Sent s : sent) {
            GenericRecord e = reader.only(s).enriched();
            assertThat((Boolean) e.get("text_redacted")).isTrue();
            assertThat(EnrichedRecords.result(e, "summary")).as("summary of %s", s.id()).isNotNull();
            assertThat(EnrichedRecords.result(e, "iab")).as("iab of %s", s.id()).isNotNull();
            assertThat(EnrichedRecords.result(e, "entities")).as("entities of %s", s.id()).isNotNull();
            @SuppressWarnings("unchecked")
            Map<CharSequence, CharSequence> attributes = (Map<CharSequence, CharSequence>) e.get("attributes");
            assertThat(attributes.keySet().stream().map(Object::toString)).as("dropped attribute")
                    .doesNotContain("source");
            PiiResult pii = EnrichedRecords.result(e, "pii", PiiResult.class);
            assertThat(pii.getEntitiesByLabel()).isEmpty();
            for (PiiEntity entity : pii.getEntities()) {
                withEntities++;
                assertThat(entity.getText()).isNull();
                assertThat(entity.getTextHmac().toString()).matches("[0-9a-f]{64}");
                assertThat(entity.getEnd()).isGreaterThan(entity.getStart());
            }
        }
        assertThat(withEntities).as("entities found, kept as labels, offsets and hashes").isGreaterThan(100);
    }

    private List<ConsumerRecord<byte[], byte[]>> readRaw(String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fx.bootstrapServers());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "privacy-raw-" + topic);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= expected;
            });
        }
        return out;
    }
}
