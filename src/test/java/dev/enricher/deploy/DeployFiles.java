package dev.enricher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.enricher.config.EnricherConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the files under {@code deploy/} and the top-level packaging files, from the project's root. */
final class DeployFiles {
    static final YAMLMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = new ObjectMapper();

    private DeployFiles() {
    }

    /** The project root: Maven's {@code basedir} (Surefire runs there), else the working directory. */
    static Path root() {
        Path root = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        assertThat(root.resolve("pom.xml")).as("project root %s", root).isRegularFile();
        return root;
    }

    static Path file(String relative) {
        Path p = root().resolve(relative);
        assertThat(p).as("%s", relative).isRegularFile();
        return p;
    }

    static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode yaml(Path p) {
        try {
            return YAML.readTree(p.toFile());
        } catch (IOException e) {
            throw new AssertionError(p + " is not valid YAML: " + e.getMessage(), e);
        }
    }

    /** Every document of a (possibly multi-document) YAML file, empty documents skipped. */
    static List<JsonNode> yamlDocuments(Path p) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(p.toFile())) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new AssertionError(p + " is not valid YAML: " + e.getMessage(), e);
        }
        return docs;
    }

    /**
     * Validates an enricher.yaml as the service does at start ({@code validate-config}), with the API key variable set
     * as the Secret or the compose environment would set it.
     */
    static EnricherConfig validEnricherConfig(String yamlText, String source) {
        return EnricherConfig.parse(yamlText, Map.of("ZEROGPU_API_KEY", "zgpu-test-key"), source);
    }

    /** {@code node} at a dotted path of object fields, e.g. {@code "kafka.input-topic"}; missing node when absent. */
    static JsonNode at(JsonNode node, String dottedPath) {
        JsonNode n = node;
        for (String part : dottedPath.split("\\.")) {
            n = n.path(part);
        }
        return n;
    }
}
