package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;

import java.util.ArrayList;
import java.util.List;

/**
 * Enriched IAB classification ({@code zlm-v2-iab-classify-edge-enriched}; set the model to
 * {@code zlm-v1-iab-classify-edge-enriched} for the old name): the raw text is the only (user) message.
 *
 * <p>Strict with the core shape, lenient with the rest, because the model has been renamed once and its
 * optional fields vary: {@code audience} and {@code content.iab_1_0} must be arrays whose items have a
 * {@code name} and a {@code score} (and a {@code code} for categories); every other field may be missing or
 * null and then reads as null (or an empty list), but a present field of the wrong type is still refused.
 * Immutable and thread-safe.
 *
 * @param name  the task's name, default {@code iab_enriched}
 * @param model the model id, default {@code zlm-v2-iab-classify-edge-enriched}
 */
public record IabEnrichedTask(String name, String model) implements EnrichmentTask {
    private static final String EXPECTED = "a JSON object with 'audience' and 'content'";

    /** Null arguments take the defaults of {@link TaskType#IAB_ENRICHED}. */
    public IabEnrichedTask {
        name = TaskType.IAB_ENRICHED.nameOrDefault(name);
        model = TaskType.IAB_ENRICHED.modelOrDefault(model);
    }

    /** The task with its default name and model. */
    public IabEnrichedTask() {
        this(null, null);
    }

    @Override
    public ChatRequest request(String text) {
        return ChatRequest.builder(model).user(text).build();
    }

    @Override
    public IabEnrichedResult parse(ChatCompletion completion) {
        return ContentParser.json(completion, EXPECTED, root -> {
            JsonShape.object(root, "$");
            JsonNode content = JsonShape.requiredObject(root, "content", "$");
            JsonNode topics = JsonShape.optional(root, "topics");
            JsonNode keywords = JsonShape.optional(root, "keywords");
            JsonNode intent = JsonShape.optional(root, "user_intent");
            return new IabEnrichedResult(
                    audience(JsonShape.requiredArray(root, "audience", "$"), "$.audience"),
                    categories(JsonShape.requiredArray(content, "iab_1_0", "$.content"), "$.content.iab_1_0"),
                    topics == null ? List.of() : ScoredLabels.read(topics, "$.topics"),
                    keywords == null ? List.of() : JsonShape.strings(keywords, "$.keywords"),
                    intent == null ? null : userIntent(intent, "$.user_intent"));
        });
    }

    private static List<IabEnrichedResult.Audience> audience(JsonNode array, String path) {
        List<IabEnrichedResult.Audience> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode item = JsonShape.object(array.get(i), at);
            out.add(new IabEnrichedResult.Audience(
                    JsonShape.optionalId(item, "id", at),
                    JsonShape.optionalId(item, "parent_id", at),
                    JsonShape.requiredString(item, "name", at),
                    JsonShape.optionalString(item, "tier1_name", at),
                    JsonShape.optionalString(item, "tier2_name", at),
                    JsonShape.optionalString(item, "tier3_name", at),
                    JsonShape.requiredNumber(item, "score", at)));
        }
        return out;
    }

    private static List<IabEnrichedResult.Category> categories(JsonNode array, String path) {
        List<IabEnrichedResult.Category> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode item = JsonShape.object(array.get(i), at);
            Integer tier = JsonShape.optionalInt(item, "tier", at);
            if (tier != null && tier < 1) {
                throw new ContentShapeException("expected a tier >= 1 at " + at + ".tier, found a smaller integer");
            }
            out.add(new IabEnrichedResult.Category(
                    JsonShape.requiredString(item, "code", at),
                    JsonShape.requiredString(item, "name", at),
                    tier,
                    JsonShape.optionalString(item, "parent_code", at),
                    JsonShape.requiredNumber(item, "score", at)));
        }
        return out;
    }

    private static IabEnrichedResult.UserIntent userIntent(JsonNode node, String path) {
        JsonShape.object(node, path);
        return new IabEnrichedResult.UserIntent(
                JsonShape.requiredString(node, "name", path),
                JsonShape.optionalString(node, "category", path),
                JsonShape.requiredNumber(node, "score", path));
    }

    /**
     * The {@link TaskType#IAB_ENRICHED} type: no options; results fill the enriched record's {@code iab_enriched}
     * field.
     */
    static final class Definition extends TypeDefinition<IabEnrichedTask, IabEnrichedResult> {
        Definition() {
            super(IabEnrichedTask.class, "iab_enriched", ModelCatalog.IAB_ENRICHED, List.of(),
                    IabEnrichedResult.class, dev.enricher.avro.IabEnrichedResult.getClassSchema());
        }

        @Override
        IabEnrichedTask create(String name, String model, TaskOptions options) {
            return new IabEnrichedTask(name, model);
        }

        @Override
        dev.enricher.avro.IabEnrichedResult toAvro(IabEnrichedResult r) {
            List<dev.enricher.avro.IabAudience> audience = new ArrayList<>(r.audience().size());
            for (IabEnrichedResult.Audience a : r.audience()) {
                audience.add(new dev.enricher.avro.IabAudience(a.id(), a.parentId(), a.name(), a.tier1Name(),
                        a.tier2Name(), a.tier3Name(), a.score()));
            }
            List<dev.enricher.avro.IabCategory> categories = new ArrayList<>(r.iab10().size());
            for (IabEnrichedResult.Category c : r.iab10()) {
                categories.add(new dev.enricher.avro.IabCategory(c.code(), c.name(), c.tier(), c.parentCode(),
                        c.score()));
            }
            IabEnrichedResult.UserIntent i = r.userIntent();
            return new dev.enricher.avro.IabEnrichedResult(audience, categories, ScoredLabels.avro(r.topics()),
                    r.keywords(), i == null ? null : new dev.enricher.avro.UserIntent(i.name(), i.category(), i.score()));
        }
    }
}
