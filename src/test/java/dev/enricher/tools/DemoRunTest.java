package dev.enricher.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.bench.SerdeBenchmark;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.topology.OutputSchema;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** How the demo shows an enriched record: its text, then one line per task with its result. */
class DemoRunTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void aRecordReadsAsItsTextThenOneLinePerTaskInTaskOrder() {
        GenericRecord e = readBack(SerdeBenchmark.sampleRecord(7));

        List<String> lines = DemoRun.describe(e).lines().toList();

        assertThat(lines).hasSize(1 + 3);
        assertThat(lines.get(0)).startsWith("evt-7 (raw-messages 7@7, text redacted): ")
                .endsWith(e.get("text").toString());
        assertThat(lines.get(1)).startsWith("  iab: {\"audience\":[{\"name\":\"Outdoor Enthusiasts\",\"score\":0.93}")
                .contains("\"iab_1_0\":[", "\"iab_2_2\":[")
                .endsWith("}  [zlm-v1-iab-classify-edge, 120 ms]");
        assertThat(lines.get(2)).isEqualTo("  followups: {\"questions\":[\"Can I exchange the boots for a different "
                + "size?\",\"When does the via ferrata course run?\",\"Are the merino socks sold separately?\"]}"
                + "  [zlm-v1-followup-questions-edge, 240 ms]");
        assertThat(lines.get(3)).startsWith("  pii: {\"entities\":[{\"text\":\"Anna Berger\",\"label\":\"person\"")
                .contains("\"redacted_text\":")
                .endsWith("  [gliner-multi-pii-v1, 90 ms]");
        // No nested map of task names, no field per type that this configuration does not have, no Avro wrappers.
        assertThat(String.join("\n", lines)).doesNotContain("null", "\"pii\":{", "{\"dev.enricher");
    }

    @Test
    void aLongArticleIsShortenedSayingHowMuchIsLeftOut() {
        GenericRecord e = SerdeBenchmark.sampleRecord(7);
        e.put("text", "Harbour plan approved. ".repeat(200));
        String first = DemoRun.describe(readBack(e)).lines().findFirst().orElseThrow();
        assertThat(first).endsWith("... [" + (23 * 200 - 1_000) + " more characters]");
    }

    @Test
    void aFailedTaskSaysWhyAndASkippedOneToo() {
        GenericRecord e = SerdeBenchmark.sampleRecord(1);
        GenericRecord results = (GenericRecord) e.get(OutputSchema.RESULTS);
        results.put("followups", null);
        results.put("pii", null);
        Schema failureSchema = e.getSchema().getField("failed_tasks").schema().getElementType();
        GenericData.Record failure = new GenericData.Record(failureSchema);
        failure.put("task", "followups");
        failure.put("model", "zlm-v1-followup-questions-edge");
        failure.put("category", "API_RETRIES_EXHAUSTED");
        failure.put("reason", "503 on all 5 attempts; replay later");
        e.put("failed_tasks", List.of(failure));
        Schema skippedSchema = e.getSchema().getField("skipped_tasks").schema().getElementType();
        GenericData.Record skipped = new GenericData.Record(skippedSchema);
        skipped.put("task", "pii");
        skipped.put("reason", "the text is empty");
        e.put("skipped_tasks", List.of(skipped));
        e.put("long_inputs", List.of());
        e.put("cost_usd", 0.0);
        e.put("model_calls", List.of(((List<?>) e.get("model_calls")).get(0)));

        List<String> lines = DemoRun.describe(readBack(e)).lines().toList();

        assertThat(lines).hasSize(4);
        assertThat(lines.get(1)).startsWith("  iab: {");
        assertThat(lines.get(2)).isEqualTo("  followups: failed (API_RETRIES_EXHAUSTED): 503 on all 5 attempts; "
                + "replay later");
        assertThat(lines.get(3)).isEqualTo("  pii: skipped: the text is empty");
    }

    /** Written and read back as the demo reads the enriched topic. */
    private GenericRecord readBack(GenericRecord e) {
        byte[] bytes = AvroSerdes.generic(registry, AvroSerdeConfig.defaults()).serializer().serialize("enriched", e);
        return AvroDeserializer.mixed(registry).deserialize("enriched", bytes);
    }
}
