package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.serde.GeneratedClassTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PiiResult#withoutRawText}: what privacy publishes of the PII task's result. */
class PiiWithoutRawTextTest {
    private static final String TEXT = "Call Jane Cooper at jane.cooper@example.com about the hiking boots.";
    private static final String ANSWER = """
            {"entities":[{"text":"Jane Cooper","label":"person","start":5,"end":16,"score":0.99},
                         {"text":"jane.cooper@example.com","label":"email","start":20,"end":43,"score":0.97}],
             "entities_by_label":{"person":["Jane Cooper"],"email":["jane.cooper@example.com"]},
             "redacted_text":"Call [PERSON] at [EMAIL] about the hiking boots."}""";
    private static final String KEY = "sixteen-byte-key";
    /** printf '%s' 'Jane Cooper' | openssl dgst -sha256 -hmac 'sixteen-byte-key' */
    private static final String JANE_HMAC = "3e46eda4f19e0d8281034e7115ce34ec71620440711c52fa22d4cfb5d3e45ba6";
    /** What must appear nowhere: the entity texts and their parts. */
    private static final List<String> RAW = List.of("Jane Cooper", "jane.cooper@example.com", "Cooper", "cooper",
            "example.com");

    private static final PiiTask TASK = new PiiTask(null, null, PiiUsecase.REDACT, null, 0.5, null);

    @BeforeAll
    static void trustGeneratedClasses() {
        GeneratedClassTrust.install();
    }

    private static PiiResult parsed() {
        return TASK.parse(Completions.of(ANSWER), TEXT);
    }

    @Test
    void keepsLabelsOffsetsScoresAndTheRedactedTextButNoEntityText() {
        PiiResult r = parsed().withoutRawText(new EntityHasher(KEY));

        assertThat(r.entities()).extracting(PiiEntity::text).containsOnlyNulls();
        assertThat(r.entities()).extracting(PiiEntity::label).containsExactly("person", "email");
        assertThat(r.entities()).extracting(PiiEntity::start).containsExactly(5, 20);
        assertThat(r.entities()).extracting(PiiEntity::end).containsExactly(16, 43);
        assertThat(r.entities()).extracting(PiiEntity::score).containsExactly(0.99, 0.97);
        assertThat(r.entitiesByLabel()).isEmpty();
        assertThat(r.redactedText()).isEqualTo("Call [PERSON] at [EMAIL] about the hiking boots.");
        assertThat(r.toString()).doesNotContain(RAW);
    }

    @Test
    void eachEntityCarriesTheKeyedHashOfItsText() {
        EntityHasher hasher = new EntityHasher(KEY);

        PiiResult r = parsed().withoutRawText(hasher);

        assertThat(r.entities()).extracting(PiiEntity::textHmac)
                .containsExactly(JANE_HMAC, hasher.hash("jane.cooper@example.com"));
        assertThat(r.toString()).doesNotContain(KEY);
    }

    @Test
    void withoutAHasherThereIsNoHash() {
        PiiResult r = parsed().withoutRawText(null);

        assertThat(r.entities()).extracting(PiiEntity::text).containsOnlyNulls();
        assertThat(r.entities()).extracting(PiiEntity::textHmac).containsOnlyNulls();
        assertThat(r.toString()).doesNotContain(RAW);
    }

    @Test
    void isIdempotentAndLeavesTheOriginalAlone() {
        PiiResult original = parsed();
        PiiResult once = original.withoutRawText(new EntityHasher(KEY));

        assertThat(once.withoutRawText(new EntityHasher(KEY))).isEqualTo(once);
        assertThat(once.withoutRawText(null)).isEqualTo(once);
        assertThat(original.entities()).extracting(PiiEntity::text)
                .containsExactly("Jane Cooper", "jane.cooper@example.com");
        assertThat(original.entitiesByLabel()).containsKeys("person", "email");
    }

    @Test
    void theAvroFormHasNoEntityTextAndRoundTrips() throws IOException {
        PiiResult r = parsed().withoutRawText(new EntityHasher(KEY));

        dev.enricher.avro.PiiResult avro = (dev.enricher.avro.PiiResult) TaskType.PII.toAvro(r);

        assertThat(GenericData.get().validate(TaskType.PII.resultSchema(TASK), avro)).isTrue();
        assertThat(avro.getEntities()).extracting(dev.enricher.avro.PiiEntity::getText).containsOnlyNulls();
        assertThat(avro.getEntities().get(0).getTextHmac()).isEqualTo(JANE_HMAC);
        assertThat(avro.getEntitiesByLabel()).isEmpty();
        String json = avroJson(avro);
        assertThat(json).doesNotContain(RAW).contains(JANE_HMAC).contains("\"label\":\"person\"")
                .contains("\"text\":null");
        assertThat(avro.toString()).doesNotContain(RAW);
        assertThat(binaryRoundTrip(avro)).isEqualTo(avro);
    }

    @Test
    void withoutPrivacyTheAvroFormKeepsTheTextAndHasNoHash() throws IOException {
        dev.enricher.avro.PiiResult avro = (dev.enricher.avro.PiiResult) TaskType.PII.toAvro(parsed());

        assertThat(avro.getEntities()).extracting(dev.enricher.avro.PiiEntity::getText)
                .containsExactly("Jane Cooper", "jane.cooper@example.com");
        assertThat(avro.getEntities()).extracting(dev.enricher.avro.PiiEntity::getTextHmac).containsOnlyNulls();
        assertThat(binaryRoundTrip(avro)).isEqualTo(avro);
    }

    @Test
    void groupingByLabelLeavesOutEntitiesWithoutText() {
        List<PiiEntity> entities = List.of(new PiiEntity(null, "person", 0, 4, 0.9, "ab"),
                new PiiEntity("Joe", "person", 9, 12, 0.8));

        assertThat(PiiResult.groupByLabel(entities)).containsExactly(Map.entry("person", List.of("Joe")));
    }

    @Test
    void theModelsEntityNeedsItsTextOnlyTheCanonicalConstructorAllowsNone() {
        assertThatThrownBy(() -> new PiiEntity(null, "person", 0, 4, 0.9)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("text");
        assertThat(new PiiEntity("Jane", "person", 0, 4, 0.9).textHmac()).isNull();
        assertThat(new PiiEntity(null, "person", 0, 4, 0.9, null).text()).isNull();
    }

    /** Readers on the new schema still read records written before (text a plain string, no text_hmac). */
    @Test
    void theSchemaChangeIsBackwardCompatible() throws IOException {
        Schema current = dev.enricher.avro.PiiResult.getClassSchema();
        ObjectMapper json = new ObjectMapper();
        ObjectNode previous = (ObjectNode) json.readTree(current.toString());
        ObjectNode entity = (ObjectNode) previous.get("fields").get(0).get("type").get("items");
        ArrayNode fields = (ArrayNode) entity.get("fields");
        for (int i = fields.size() - 1; i >= 0; i--) {
            ObjectNode f = (ObjectNode) fields.get(i);
            if (f.get("name").asText().equals("text_hmac")) {
                fields.remove(i);
            } else if (f.get("name").asText().equals("text")) {
                f.put("type", "string");
                f.remove("default");
            }
        }
        Schema old = new Schema.Parser().parse(previous.toString());

        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, old).getType())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    private static String avroJson(dev.enricher.avro.PiiResult avro) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(avro.getSchema(), out);
        new SpecificDatumWriter<dev.enricher.avro.PiiResult>(avro.getSchema()).write(avro, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static dev.enricher.avro.PiiResult binaryRoundTrip(dev.enricher.avro.PiiResult avro) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<dev.enricher.avro.PiiResult>(avro.getSchema()).write(avro, encoder);
        encoder.flush();
        return new SpecificDatumReader<dev.enricher.avro.PiiResult>(avro.getSchema())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }
}
