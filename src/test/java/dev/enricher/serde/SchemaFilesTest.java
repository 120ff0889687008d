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
 * The rules every schema in {@code schemas/} keeps, so downstream readers get documentation and additions stay
 * BACKWARD compatible: every record, enum and field has a doc; every optional field is a union with null first
 * and a null default; every enum has a default symbol.
 */
class SchemaFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Path> schemaFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("schemas"))) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
            assertThat(list).extracting(p -> p.getFileName().toString())
                    .contains("TextEvent.avsc", "EnrichedEvent.avsc", "DeadLetter.avsc");
            return list.stream();
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
        Schema schema = new Schema.Parser().parse(file.toFile());
        assertThat(schema.getNamespace()).isEqualTo("dev.enricher.avro");
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
