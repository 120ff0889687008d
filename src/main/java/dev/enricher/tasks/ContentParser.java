package dev.enricher.tasks;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.Choice;
import dev.enricher.client.ZeroGpuException;

import java.util.function.Function;

/**
 * The one place where content is parsed and where parse failures become
 * {@link ZeroGpuException#unparseableContent}: tasks describe the shape, this class guarantees that
 * nothing but a {@link ZeroGpuException} leaves {@link EnrichmentTask#parse}.
 */
final class ContentParser {
    /**
     * Shared and thread-safe once configured. Unknown properties are ignored because the server adds fields
     * over time; trailing tokens are refused so that {@code {"a":1} junk} is not read as valid JSON.
     */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private ContentParser() {
    }

    /**
     * Parses content that must be JSON and hands the tree to {@code shape}.
     *
     * @param expected what the model should have answered, for the reason when the content is empty
     *                 or not JSON (for example "a JSON object with 'audience' and 'content'")
     * @throws ZeroGpuException RECORD / UNPARSEABLE_CONTENT when the content is not JSON or
     *                          {@code shape} rejects it
     */
    static <R> R json(ChatCompletion completion, String expected, Function<JsonNode, R> shape) {
        return text(completion, content -> shape.apply(readTree(content, expected)));
    }

    /**
     * Hands the content (never null) to {@code shape}, translating its {@link ContentShapeException}s and
     * validation errors of result records ({@link IllegalArgumentException}) into unparseable-content errors.
     */
    static <R> R text(ChatCompletion completion, Function<String, R> shape) {
        try {
            return shape.apply(completion.content());
        } catch (ContentShapeException e) {
            throw ZeroGpuException.unparseableContent(completion, e.getMessage());
        } catch (IllegalArgumentException e) {
            // Result records validate themselves; their messages name fields and numbers, never content text.
            throw ZeroGpuException.unparseableContent(completion, "invalid value: " + e.getMessage());
        }
    }

    private static String position(JsonProcessingException e) {
        return e.getLocation() == null ? "an unknown position"
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }

    /** Adds the finish reason to a reason when the output was cut off: the likely cause of missing text. */
    static String finishNote(Choice choice) {
        return choice.truncated() ? " (finish_reason 'length': the output was cut off at the token limit)" : "";
    }

    static JsonNode readTree(String content, String expected) {
        if (content.isBlank()) {
            throw new ContentShapeException("expected " + expected + ", found empty content");
        }
        try {
            JsonNode root = MAPPER.readTree(content);
            if (root == null || root.isMissingNode()) {
                throw new ContentShapeException("expected " + expected + ", found no JSON value");
            }
            return root;
        } catch (JsonParseException e) {
            // Jackson's message quotes the offending token: report only its position.
            throw new ContentShapeException("expected " + expected + ", found invalid JSON (error at "
                    + position(e) + ")");
        } catch (MismatchedInputException e) {
            // readTree maps nothing to types; the one mismatch left is a second value after the first.
            throw new ContentShapeException("expected " + expected + ", found more than one JSON value"
                    + " (trailing content at " + position(e) + ")");
        } catch (JsonProcessingException e) {
            throw new ContentShapeException("expected " + expected + ", found JSON that could not be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
