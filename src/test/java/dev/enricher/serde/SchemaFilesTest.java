package dev.enricher.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules every schema in {@code schemas/} and {@code schemas/results/} keeps, so downstream readers get
 * documentation and additions stay BACKWARD compatible: every record, enum and field has a doc; every optional field
 * is a union with null first and a null default; every enum has a default symbol.
 */
class SchemaFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The result records' shared type, which other result files refer to by name: parsed before them. */
    private static final Path SCORED_LABEL = Path.of("schemas", "results", "ScoredLabel.avsc");

    static Stream<Path> schemaFiles() throws IOException {
        List<Path> list = new ArrayList<>(avsc(Path.of("schemas")));
        assertThat(list).extracting(p -> p.getFileName().toString())
                .contains("TextEvent.avsc", "EnrichedEvent.avsc", "DeadLetter.avsc");
        List<Path> results = avsc(Path.of("schemas", "results"));
        assertThat(results).extracting(p -> p.getFileName().toString())
                .contains("ScoredLabel.avsc", "IabResult.avsc", "PiiResult.avsc", "TextResult.avsc");
        list.addAll(results);
        return list.stream();
    }

    private static List<Path> avsc(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("schemaFiles")
    void everyFieldIsDocumentedAndEveryOptionalFieldDefaultsToNull(Path file) throws IOException {
        List<String> problems = new ArrayList<>();
        walkType(JSON.readTree(file.toFile()), "", problems);
        assertThat(problems).as(file.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("schemaFiles")
    void parsesAsAvro(Path file) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        if (file.startsWith(SCORED_LABEL.getParent()) && !file.equals(SCORED_LABEL)) {
            parser.parse(SCORED_LABEL.toFile()); // as the build does: the results' shared type comes first
        }
        Schema schema = parser.parse(file.toFile());
        assertThat(schema.getNamespace()).isEqualTo("dev.enricher.avro");
    }

    @Test
    void theResultRecordsParseTogetherAsTheBuildParsesThem() throws IOException {
        Schema.Parser parser = new Schema.Parser();
        Schema scoredLabel = parser.parse(SCORED_LABEL.toFile());
        assertThat(scoredLabel.getFullName()).isEqualTo("dev.enricher.avro.ScoredLabel");
        for (Path file : avsc(SCORED_LABEL.getParent())) {
            if (!file.equals(SCORED_LABEL)) {
                Schema schema = parser.parse(file.toFile());
                assertThat(schema.getType()).as(file.toString()).isEqualTo(Schema.Type.RECORD);
                assertThat(schema.getNamespace()).as(file.toString()).isEqualTo("dev.enricher.avro");
            }
        }
        assertThat(parser.getTypes()).containsKeys("dev.enricher.avro.IabResult", "dev.enricher.avro.ZeroShotResult");
    }

    @Test
    void theEnvelopesResultsIsAnEmptyRecordWithAnEmptyDefault() throws IOException {
        Schema envelope = new Schema.Parser().parse(Path.of("schemas", "EnrichedEvent.avsc").toFile());
        Schema.Field results = envelope.getField("results");
        assertThat(results).isNotNull();
        assertThat(results.schema().getType()).isEqualTo(Schema.Type.RECORD);
        assertThat(results.schema().getFields()).as("filled per deployment from its tasks").isEmpty();
        assertThat(results.defaultVal()).isEqualTo(java.util.Map.of());
    }

    @Test
    void theWalkerCatchesWhatItShould() {
        List<String> problems = new ArrayList<>();
        walkType(JSON.valueToTree(java.util.Map.of("type", "record", "name", "R", "doc", "d", "fields", List.of(
                java.util.Map.of("name", "a", "type", List.of("string", "null")),
                java.util.Map.of("name", "b", "doc", "b", "type", List.of("null", "string"))))), "", problems);
        assertThat(problems).containsExactlyInAnyOrder("R.a: no doc", "R.a: null must be the union's first branch",
                "R.a: an optional field needs \"default\": null", "R.b: an optional field needs \"default\": null");
    }

    private static void walkType(JsonNode type, String path, List<String> problems) {
        if (type.isArray()) {
            for (JsonNode branch : type) {
                walkType(branch, path, problems);
            }
            return;
        }
        if (!type.isObject()) {
            return; // a primitive or a reference to a named type
        }
        switch (type.path("type").asText()) {
            case "record":
                String name = path + type.path("name").asText();
                requireDoc(type, name, problems);
                for (JsonNode field : type.path("fields")) {
                    String fieldPath = name + "." + field.path("name").asText();
                    requireDoc(field, fieldPath, problems);
                    JsonNode fieldType = field.path("type");
                    if (fieldType.isArray() && containsNull(fieldType)) {
                        if (!"null".equals(fieldType.get(0).asText())) {
                            problems.add(fieldPath + ": null must be the union's first branch");
                        }
                        if (!field.has("default") || !field.get("default").isNull()) {
                            problems.add(fieldPath + ": an optional field needs \"default\": null");
                        }
                    }
                    walkType(fieldType, fieldPath + "/", problems);
                }
                break;
            case "enum":
                requireDoc(type, path + type.path("name").asText(), problems);
                if (!type.has("default")) {
                    problems.add(path + type.path("name").asText() + ": an enum needs a default symbol to gain symbols later");
                }
                break;
            case "array":
                walkType(type.path("items"), path, problems);
                break;
            case "map":
                walkType(type.path("values"), path, problems);
                break;
            default:
                break;
        }
    }

    private static boolean containsNull(JsonNode union) {
        for (JsonNode branch : union) {
            if ("null".equals(branch.asText())) {
                return true;
            }
        }
        return false;
    }

    private static void requireDoc(JsonNode node, String where, List<String> problems) {
        if (!node.hasNonNull("doc") || node.get("doc").asText().isBlank()) {
            problems.add(where + ": no doc");
        }
    }
}
