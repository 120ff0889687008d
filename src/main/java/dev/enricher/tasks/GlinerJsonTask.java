package dev.enricher.tasks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;

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

    /**
     * The {@link TaskType#GLINER_JSON} type; results fill the enriched record's {@code extraction} field. Options:
     * {@code schema} (required: group -> list of {@code field::type::description}).
     */
    static final class Definition extends TypeDefinition<GlinerJsonTask, ExtractionResult> {
        /** Thread-safe; only writes plain Java values (String, numbers, Boolean, List, Map, null). */
        private static final ObjectWriter JSON = new ObjectMapper().writer();

        Definition() {
            super(GlinerJsonTask.class, "extract", ModelCatalog.GLINER2, List.of("schema"),
                    ExtractionResult.class, dev.enricher.avro.ExtractionResult.getClassSchema());
        }

        @Override
        GlinerJsonTask create(String name, String model, TaskOptions o) {
            return new GlinerJsonTask(name, model, o.schema("schema", "group", "field specs 'name::type::description'"));
        }

        /** Each value as JSON text, so that 42, true and "42" stay apart; a missing field stays null. */
        @Override
        dev.enricher.avro.ExtractionResult toAvro(ExtractionResult r) {
            Map<String, List<Map<String, String>>> data = new LinkedHashMap<>();
            r.data().forEach((group, instances) -> {
                List<Map<String, String>> out = new ArrayList<>(instances.size());
                for (Map<String, Object> instance : instances) {
                    Map<String, String> fields = new LinkedHashMap<>();
                    instance.forEach((field, value) ->
                            fields.put(field, value == null ? null : json(group, field, value)));
                    out.add(fields);
                }
                data.put(group, out);
            });
            return new dev.enricher.avro.ExtractionResult(data);
        }

        private static String json(String group, String field, Object value) {
            try {
                return JSON.writeValueAsString(value);
            } catch (JsonProcessingException e) {
                // Values are plain Java values read from JSON, so this is a bug; the message names where, not the value.
                throw new IllegalArgumentException("extraction value of " + group + "." + field + " (a "
                        + value.getClass().getName() + ") cannot be written as JSON", e);
            }
        }
    }
}
