package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;

import java.util.List;

/**
 * IAB classification with {@code zlm-v1-iab-classify-edge}: the raw text is the only (user) message; the
 * content is {@code {"audience":[{name,score}],"content":{"iab_1_0":[{name,score}],"iab_2_2":[{name,score}]}}}.
 * All three arrays are required (they may be empty). Immutable and thread-safe.
 *
 * @param name  the task's name, default {@code iab}
 * @param model the model id, default {@code zlm-v1-iab-classify-edge}
 */
public record IabTask(String name, String model) implements EnrichmentTask {
    private static final String EXPECTED = "a JSON object with 'audience' and 'content'";

    /** Null arguments take the defaults of {@link TaskType#IAB}. */
    public IabTask {
        name = TaskType.IAB.nameOrDefault(name);
        model = TaskType.IAB.modelOrDefault(model);
    }

    /** The task with its default name and model. */
    public IabTask() {
        this(null, null);
    }

    @Override
    public ChatRequest request(String text) {
        return ChatRequest.builder(model).user(text).build();
    }

    @Override
    public IabResult parse(ChatCompletion completion) {
        return ContentParser.json(completion, EXPECTED, root -> {
            JsonShape.object(root, "$");
            JsonNode content = JsonShape.requiredObject(root, "content", "$");
            return new IabResult(
                    ScoredLabels.read(JsonShape.required(root, "audience", "$"), "$.audience"),
                    ScoredLabels.read(JsonShape.required(content, "iab_1_0", "$.content"), "$.content.iab_1_0"),
                    ScoredLabels.read(JsonShape.required(content, "iab_2_2", "$.content"), "$.content.iab_2_2"));
        });
    }

    /** The {@link TaskType#IAB} type: no options; results fill the enriched record's {@code iab} field. */
    static final class Definition extends TypeDefinition<IabTask, IabResult> {
        Definition() {
            super(IabTask.class, "iab", ModelCatalog.IAB, List.of(),
                    IabResult.class, dev.enricher.avro.IabResult.getClassSchema());
        }

        @Override
        IabTask create(String name, String model, TaskOptions options) {
            return new IabTask(name, model);
        }

        @Override
        dev.enricher.avro.IabResult toAvro(IabResult r) {
            return new dev.enricher.avro.IabResult(ScoredLabels.avro(r.audience()), ScoredLabels.avro(r.iab10()),
                    ScoredLabels.avro(r.iab22()));
        }
    }
}
