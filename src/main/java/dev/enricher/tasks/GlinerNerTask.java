package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named entities with {@code gliner2-base-v1}, usecase {@code ner}. The text is the only (user) message;
 * {@code metadata} is {@code {"usecase":"ner","labels":[...],"threshold":t}}. The content is
 * {@code {"entities":{"<label>":["span",...]}}}. Immutable and thread-safe.
 *
 * @param name      the task's name, default {@code entities}
 * @param model     the model id, default {@code gliner2-base-v1}
 * @param labels    the entity labels to look for, at least one, non-blank
 * @param threshold minimum confidence, 0..1 (the model's default is 0.5)
 */
public record GlinerNerTask(String name, String model, List<String> labels, double threshold)
        implements EnrichmentTask {
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** Null name and model take the defaults of {@link TaskType#GLINER_NER}. */
    public GlinerNerTask {
        name = TaskType.GLINER_NER.nameOrDefault(name);
        model = TaskType.GLINER_NER.modelOrDefault(model);
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("labels must hold at least one entity label");
        }
        labels = List.copyOf(labels);
        for (String label : labels) {
            ScoredLabel.requireNonBlank("label", label);
        }
        PiiTask.requireThreshold(threshold);
    }

    /** The default task for {@code labels} at the default threshold. */
    public GlinerNerTask(List<String> labels) {
        this(null, null, labels, DEFAULT_THRESHOLD);
    }

    @Override
    public ChatRequest request(String text) {
        return ChatRequest.builder(model).user(text)
                .metadata("usecase", "ner")
                .metadata("labels", labels)
                .metadata("threshold", threshold)
                .build();
    }

    @Override
    public EntitiesResult parse(ChatCompletion completion) {
        return ContentParser.json(completion, "a JSON object with 'entities'", root -> {
            JsonShape.object(root, "$");
            JsonNode entities = JsonShape.requiredObject(root, "entities", "$");
            Map<String, List<String>> out = new LinkedHashMap<>();
            int index = 0;
            for (Map.Entry<String, JsonNode> e : entities.properties()) {
                String at = JsonShape.keyPath("$.entities", index++);
                if (e.getKey().isBlank()) {
                    throw new ContentShapeException("expected a non-blank label at " + at + ", found a blank key");
                }
                out.put(e.getKey(), JsonShape.strings(e.getValue(), at));
            }
            return new EntitiesResult(out);
        });
    }

    /**
     * The {@link TaskType#GLINER_NER} type; results fill the enriched record's {@code entities} field. Options:
     * {@code labels} (required list of strings), {@code threshold} (0..1, default 0.5).
     */
    static final class Definition extends TypeDefinition<GlinerNerTask, EntitiesResult> {
        Definition() {
            super(GlinerNerTask.class, "entities", ModelCatalog.GLINER2, List.of("labels", "threshold"),
                    EntitiesResult.class, dev.enricher.avro.EntitiesResult.getClassSchema());
        }

        @Override
        GlinerNerTask create(String name, String model, TaskOptions o) {
            return new GlinerNerTask(name, model,
                    o.stringList("labels", true, "entity labels"),
                    o.number("threshold", 0, 1, DEFAULT_THRESHOLD));
        }

        @Override
        dev.enricher.avro.EntitiesResult toAvro(EntitiesResult r) {
            return new dev.enricher.avro.EntitiesResult(r.entities());
        }
    }
}
