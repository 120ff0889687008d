package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification with {@code gliner2-base-v1}, usecase {@code classification}. The text is the only (user)
 * message; {@code metadata} is {@code {"usecase":"classification","schema":{"<axis>":["label",...]}}}. The
 * content is {@code {"classification":{"<axis>":"<label>"}}}: one label (a string) per axis. Immutable and
 * thread-safe.
 *
 * @param name   the task's name, default {@code classify}
 * @param model  the model id, default {@code gliner2-base-v1}
 * @param schema axis -> candidate labels, each axis with at least one label
 */
public record GlinerClassificationTask(String name, String model, Map<String, List<String>> schema)
        implements EnrichmentTask {

    /** Null name and model take the defaults of {@link TaskType#GLINER_CLASSIFICATION}. */
    public GlinerClassificationTask {
        name = TaskType.GLINER_CLASSIFICATION.nameOrDefault(name);
        model = TaskType.GLINER_CLASSIFICATION.modelOrDefault(model);
        schema = GlinerSchema.copy(schema, "axis", "label");
    }

    /** The default task for {@code schema}. */
    public GlinerClassificationTask(Map<String, List<String>> schema) {
        this(null, null, schema);
    }

    @Override
    public ChatRequest request(String text) {
        return ChatRequest.builder(model).user(text)
                .metadata("usecase", "classification")
                .metadata("schema", schema)
                .build();
    }

    @Override
    public ClassificationResult parse(ChatCompletion completion) {
        return ContentParser.json(completion, "a JSON object with 'classification'", root -> {
            JsonShape.object(root, "$");
            JsonNode axes = JsonShape.requiredObject(root, "classification", "$");
            Map<String, String> out = new LinkedHashMap<>();
            int index = 0;
            for (Map.Entry<String, JsonNode> axis : axes.properties()) {
                String at = JsonShape.keyPath("$.classification", index++);
                if (axis.getKey().isBlank()) {
                    throw new ContentShapeException("expected a non-blank axis name at " + at + ", found a blank key");
                }
                out.put(axis.getKey(), JsonShape.nonBlankString(axis.getValue(), at));
            }
            return new ClassificationResult(out);
        });
    }

    /**
     * The {@link TaskType#GLINER_CLASSIFICATION} type; results fill the enriched record's {@code classification}
     * field. Options: {@code schema} (required: axis -> list of labels).
     */
    static final class Definition extends TypeDefinition<GlinerClassificationTask, ClassificationResult> {
        Definition() {
            super(GlinerClassificationTask.class, "classify", ModelCatalog.GLINER2, List.of("schema"),
                    ClassificationResult.class, dev.enricher.avro.ClassificationResult.getClassSchema());
        }

        @Override
        GlinerClassificationTask create(String name, String model, TaskOptions o) {
            return new GlinerClassificationTask(name, model, o.schema("schema", "axis", "labels"));
        }

        @Override
        dev.enricher.avro.ClassificationResult toAvro(ClassificationResult r) {
            return new dev.enricher.avro.ClassificationResult(r.classification());
        }
    }
}
