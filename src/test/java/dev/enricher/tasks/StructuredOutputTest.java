package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class StructuredOutputTest {
    /** "sentiment: positive|neutral|negative, score, reasons[]", as a user writes it in YAML. */
    private static final Map<String, Object> SENTIMENT = Map.of(
            "type", "object",
            "required", List.of("label", "score"),
            "properties", Map.of(
                    "label", Map.of("type", "string", "enum", List.of("positive", "neutral", "negative"),
                            "description", "The overall sentiment."),
                    "score", Map.of("type", "number", "minimum", 0, "maximum", 1),
                    "reasons", Map.of("type", "array", "items", Map.of("type", "string")),
                    "aspects", Map.of("type", "array", "items", Map.of("type", "object",
                            "required", List.of("name"),
                            "properties", Map.of("name", Map.of("type", "string"),
                                    "mentions", Map.of("type", "integer")))),
                    "sarcastic", Map.of("type", "boolean")));

    private final StructuredOutput sentiment = StructuredOutput.compile("sentiment", SENTIMENT);

    @Test
    void theJsonSchemaBecomesATypedAvroRecordNamedAfterTheTask() {
        Schema s = sentiment.avroSchema();
        assertThat(s.getFullName()).isEqualTo("dev.enricher.results.SentimentResult");
        assertThat(s.getField("label").schema().getType()).as("required: no union").isEqualTo(Schema.Type.STRING);
        assertThat(s.getField("label").doc()).isEqualTo("The overall sentiment. One of: positive, neutral, negative.");
        assertThat(s.getField("score").schema().getType()).isEqualTo(Schema.Type.DOUBLE);
        Schema reasons = s.getField("reasons").schema();
        assertThat(reasons.getType()).as("optional: null first").isEqualTo(Schema.Type.UNION);
        assertThat(reasons.getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
        assertThat(s.getField("reasons").defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        Schema aspect = s.getField("aspects").schema().getTypes().get(1).getElementType();
        assertThat(aspect.getName()).isEqualTo("SentimentResultAspectsItem");
        assertThat(aspect.getField("mentions").schema().getTypes().get(1).getType()).isEqualTo(Schema.Type.LONG);
    }

    @Test
    void theAnswerIsFoundInsideCodeFencesAndProse() {
        String json = "{\"label\": \"positive\", \"score\": 0.9}";
        assertThat(StructuredOutput.extract(json).path("label").asText()).isEqualTo("positive");
        assertThat(StructuredOutput.extract("Sure! Here it is:\n```json\n" + json + "\n```\nHope this helps {:}")
                .path("score").asDouble()).isEqualTo(0.9);
        assertThat(StructuredOutput.extract("The answer is " + json + ". The {braces} in prose do not count.")
                .path("label").asText()).isEqualTo("positive");
        assertThat(StructuredOutput.extract("{not json} then " + json).path("label").asText()).isEqualTo("positive");
        assertThat(StructuredOutput.extract("no JSON here at all")).isNull();
        assertThat(StructuredOutput.extract("{\"label\": \"positive\", \"score\": ")).as("cut off").isNull();
    }

    @Test
    void aValidAnswerConvertsToTheRecordAndSerializesWithItsSchema() throws Exception {
        JsonNode answer = StructuredOutput.extract("{\"label\":\"negative\",\"score\":0.25,\"reasons\":[\"late\",\"rude\"],"
                + "\"aspects\":[{\"name\":\"delivery\",\"mentions\":2}]}");
        assertThat(sentiment.validate(answer)).isEmpty();
        GenericRecord r = sentiment.toAvro(answer);
        assertThat(r.get("label")).isEqualTo("negative");
        assertThat(r.get("score")).isEqualTo(0.25);
        assertThat(r.get("sarcastic")).as("absent optional").isNull();
        assertThat(((GenericRecord) ((List<?>) r.get("aspects")).get(0)).get("mentions")).isEqualTo(2L);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(sentiment.avroSchema()).write(r, enc);
        enc.flush();
        GenericRecord back = new GenericDatumReader<GenericRecord>(sentiment.avroSchema())
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
        assertThat(back.toString()).isEqualTo(r.toString());
    }

    @Test
    void anAnswerThatBreaksTheSchemaIsRefusedSayingWhere() {
        List<String> problems = sentiment.validate(StructuredOutput.extract(
                "{\"label\":\"ecstatic\",\"score\":1.5,\"reasons\":\"because\"}"));
        assertThat(problems).hasSize(3);
        assertThat(String.join("\n", problems)).contains("label").contains("score").contains("reasons");
        assertThat(sentiment.validate(StructuredOutput.extract("{\"score\":0.5}")))
                .anySatisfy(p -> assertThat(p).contains("label"));
    }

    @Test
    void whatAvroCannotTypeIsRefusedAtStartNamingThePlaceInTheSchema() {
        assertThatThrownBy(() -> StructuredOutput.compile("t", Map.of("type", "object", "properties",
                Map.of("v", Map.of("oneOf", List.of(Map.of("type", "string"), Map.of("type", "integer")))))))
                .hasMessageContaining("task 't'").hasMessageContaining("$.properties.v")
                .hasMessageContaining("'oneOf' is not supported");
        assertThatThrownBy(() -> StructuredOutput.compile("t", Map.of("type", "object", "properties",
                Map.of("v", Map.of("type", List.of("string", "null"))))))
                .hasMessageContaining("$.properties.v").hasMessageContaining("one 'type'");
        assertThatThrownBy(() -> StructuredOutput.compile("t", Map.of("type", "object", "properties",
                Map.of("tags", Map.of("type", "object")))))
                .hasMessageContaining("$.properties.tags").hasMessageContaining("needs 'properties'");
        assertThatThrownBy(() -> StructuredOutput.compile("t", Map.of("type", "array", "items",
                Map.of("type", "string"))))
                .hasMessageContaining("at $:").hasMessageContaining("must be an object");
        assertThatThrownBy(() -> StructuredOutput.compile("t", Map.of("type", "object", "properties",
                Map.of("a-b", Map.of("type", "string")))))
                .hasMessageContaining("$.properties.a-b").hasMessageContaining("valid Avro name");
        assertThatThrownBy(() -> StructuredOutput.compile("t", Map.of("type", "object", "required", List.of("x"),
                "properties", Map.of("a", Map.of("type", "string")))))
                .hasMessageContaining("$.required").hasMessageContaining("'x'");
    }
}
