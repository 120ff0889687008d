package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Zero-shot classification with {@code deberta-v3-small}: the labels are a system message written exactly
 * {@code [a, b, c]}, the text the user message. The content is {@code {"label": score, ...}}, read into a
 * {@link ZeroShotResult} ordered by score. Immutable and thread-safe.
 *
 * @param name   the task's name, default {@code labels}
 * @param model  the model id, default {@code deberta-v3-small}
 * @param labels 1 to {@value #MAX_LABELS} distinct labels, trimmed; none may hold {@code ,}, {@code [} or
 *               {@code ]}, which the {@code [a, b, c]} syntax cannot carry
 */
public record ZeroShotTask(String name, String model, List<String> labels) implements EnrichmentTask {
    /** The model's documented maximum. */
    public static final int MAX_LABELS = 10;

    /** Null name and model take the defaults of {@link TaskType#ZERO_SHOT}. */
    public ZeroShotTask {
        name = TaskType.ZERO_SHOT.nameOrDefault(name);
        model = TaskType.ZERO_SHOT.modelOrDefault(model);
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("labels must hold at least one label");
        }
        if (labels.size() > MAX_LABELS) {
            throw new IllegalArgumentException("labels must hold at most " + MAX_LABELS + " labels (the model's limit), had "
                    + labels.size());
        }
        List<String> trimmed = new ArrayList<>(labels.size());
        Set<String> seen = new HashSet<>();
        for (String label : labels) {
            String l = ScoredLabel.requireNonBlank("label", label).strip();
            if (l.contains(",") || l.contains("[") || l.contains("]")) {
                throw new IllegalArgumentException("label '" + l + "' must not contain ',', '[' or ']': the model reads"
                        + " labels written [a, b, c]");
            }
            if (!seen.add(l)) {
                throw new IllegalArgumentException("label '" + l + "' is listed twice");
            }
            trimmed.add(l);
        }
        labels = List.copyOf(trimmed);
    }

    /** The default task for {@code labels}. */
    public ZeroShotTask(List<String> labels) {
        this(null, null, labels);
    }

    @Override
    public ChatRequest request(String text) {
        return ChatRequest.builder(model)
                .system("[" + String.join(", ", labels) + "]")
                .user(text)
                .build();
    }

    @Override
    public ZeroShotResult parse(ChatCompletion completion) {
        return ContentParser.json(completion, "a JSON object of label scores", root -> {
            JsonShape.object(root, "$");
            if (root.isEmpty()) {
                throw new ContentShapeException("expected at least one label score at $, found an empty object");
            }
            List<ScoredLabel> scores = new ArrayList<>(root.size());
            int index = 0;
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                String at = JsonShape.keyPath("$", index++);
                if (e.getKey().isBlank()) {
                    throw new ContentShapeException("expected a non-blank label at " + at + ", found a blank key");
                }
                scores.add(new ScoredLabel(e.getKey(), JsonShape.number(e.getValue(), at)));
            }
            return new ZeroShotResult(scores);
        });
    }

    /**
     * The {@link TaskType#ZERO_SHOT} type; results fill the enriched record's {@code zero_shot} field. Options:
     * {@code labels} (required list of 1 to {@value ZeroShotTask#MAX_LABELS} strings).
     */
    static final class Definition extends TypeDefinition<ZeroShotTask, ZeroShotResult> {
        Definition() {
            super(ZeroShotTask.class, "labels", ModelCatalog.DEBERTA, List.of("labels"),
                    ZeroShotResult.class, dev.enricher.avro.ZeroShotResult.getClassSchema());
        }

        @Override
        ZeroShotTask create(String name, String model, TaskOptions o) {
            return new ZeroShotTask(name, model, o.stringList("labels", true, "labels"));
        }

        @Override
        dev.enricher.avro.ZeroShotResult toAvro(ZeroShotResult r) {
            return new dev.enricher.avro.ZeroShotResult(ScoredLabels.avro(r.labels()));
        }
    }
}
