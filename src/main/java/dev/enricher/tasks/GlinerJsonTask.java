package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Structured extraction with {@code gliner2-base-v1}, usecase {@code json}. The text is the only (user)
 * message; {@code metadata} is {@code {"usecase":"json","schema":{"<group>":["field::type::description",...]}}}.
 * The content is {@code {"data":{"<group>":[{"<field>": value or null}]}}}; values become plain Java values as
 * {@link ExtractionResult} describes. Groups and fields are kept as returned, not checked against the schema.
 * Immutable and thread-safe.
 *
 * @param name   the task's name, default {@code extract}
 * @param model  the model id, default {@code gliner2-base-v1}
 * @param schema group -> field specs {@code name::type::description} (type and description optional)
 */
public record GlinerJsonTask(String name, String model, Map<String, List<String>> schema)
        implements EnrichmentTask {

    /** Null name and model take the defaults of {@link TaskType#GLINER_JSON}. */
    public GlinerJsonTask {
        name = TaskType.GLINER_JSON.nameOrDefault(name);
        model = TaskType.GLINER_JSON.modelOrDefault(model);
        schema = GlinerSchema.fields(schema);
    }

    /** The default task for {@code schema}. */
    public GlinerJsonTask(Map<String, List<String>> schema) {
        this(null, null, schema);
    }

    @Override
    public ChatRequest request(String text) {
        return ChatRequest.builder(model).user(text)
                .metadata("usecase", "json")
                .metadata("schema", schema)
                .build();
    }

    @Override
    public ExtractionResult parse(ChatCompletion completion) {
        return ContentParser.json(completion, "a JSON object with 'data'", root -> {
            JsonShape.object(root, "$");
            JsonNode data = JsonShape.requiredObject(root, "data", "$");
            Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
            int g = 0;
            for (Map.Entry<String, JsonNode> group : data.properties()) {
                String at = JsonShape.keyPath("$.data", g++);
                if (group.getKey().isBlank()) {
                    throw new ContentShapeException("expected a non-blank group name at " + at + ", found a blank key");
                }
                JsonShape.array(group.getValue(), at);
                List<Map<String, Object>> instances = new ArrayList<>(group.getValue().size());
                for (int i = 0; i < group.getValue().size(); i++) {
                    JsonNode instance = JsonShape.object(group.getValue().get(i), at + "[" + i + "]");
                    @SuppressWarnings("unchecked")
                    Map<String, Object> fields = (Map<String, Object>) JsonShape.plain(instance);
                    instances.add(fields);
                }
                groups.put(group.getKey(), instances);
            }
            return new ExtractionResult(groups);
        });
    }
}
