package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Personal data detection with {@code gliner-multi-pii-v1}. The text is the only (user) message; the options go
 * in {@code metadata}: {@code usecase} and {@code threshold} always (explicit, so a change of the server's
 * defaults cannot change results silently), {@code mask} and {@code categories} when set.
 *
 * <p>The content is {@code {"entities":[{text,label,start,end,score}],"entities_by_label":{label:[text]}}},
 * plus {@code redacted_text} for {@code redact}. {@code entities} is required; {@code entities_by_label} is
 * derived from the entities when absent; {@code redacted_text} is required for {@code redact} (a redaction task
 * without the redacted text has failed).
 *
 * <p><b>Offsets</b> are kept as given: Unicode code points into the input, as the API documents them (its models are
 * Python libraries; a Python string indexes code points, a Java string UTF-16 units, and the two differ after every
 * emoji or other character outside the Basic Multilingual Plane). They are published in that unit too, so consumers
 * in any language read them alike. {@link #parse(ChatCompletion, String)} (what the engine calls) checks each entity
 * against the input: {@code 0 <= start <= end <= } the input's length in code points, and the input's code points
 * {@code start..end} are exactly the entity's {@code text}; an answer that fails either is unparseable (the event is
 * dead-lettered with the reason, or published without this task's result under {@code publish-partial}), so a
 * misplaced span is never published. {@link #parse(ChatCompletion)} checks only {@code 0 <= start <= end}. The
 * redacted text is the model's, kept as given. Immutable and thread-safe.
 *
 * @param name       the task's name, default {@code pii}
 * @param model      the model id, default {@code gliner-multi-pii-v1}
 * @param usecase    extract only, or also redact; default {@link PiiUsecase#EXTRACT_PII}
 * @param mask       the mask style (for example {@code label}), null to leave it to the model
 * @param threshold  minimum confidence, 0..1, default 0.5
 * @param categories PII categories to look for (for example {@code identity}, {@code contact}); empty for all
 */
public record PiiTask(String name, String model, PiiUsecase usecase, String mask, double threshold,
                      List<String> categories) implements EnrichmentTask {
    public static final double DEFAULT_THRESHOLD = 0.5;
    private static final String EXPECTED = "a JSON object with 'entities'";

    /** Null name, model and usecase take the defaults; null categories mean all. */
    public PiiTask {
        name = TaskType.PII.nameOrDefault(name);
        model = TaskType.PII.modelOrDefault(model);
        usecase = usecase == null ? PiiUsecase.EXTRACT_PII : usecase;
        if (mask != null && mask.isBlank()) {
            throw new IllegalArgumentException("mask must not be blank (leave it unset for the model's default)");
        }
        requireThreshold(threshold);
        categories = categories == null ? List.of() : List.copyOf(categories);
        for (String c : categories) {
            ScoredLabel.requireNonBlank("category", c);
        }
    }

    /** Extraction of every category at the default threshold. */
    public PiiTask() {
        this(null, null, null, null, DEFAULT_THRESHOLD, null);
    }

    static double requireThreshold(double threshold) {
        if (!(threshold >= 0.0 && threshold <= 1.0)) {
            throw new IllegalArgumentException("threshold must be between 0 and 1, was " + threshold);
        }
        return threshold;
    }

    @Override
    public ChatRequest request(String text) {
        ChatRequest.Builder b = ChatRequest.builder(model).user(text)
                .metadata("usecase", usecase.wireName())
                .metadata("threshold", threshold);
        if (mask != null) {
            b.metadata("mask", mask);
        }
        if (!categories.isEmpty()) {
            b.metadata("categories", categories);
        }
        return b.build();
    }

    /** The content's shape only: offsets are checked for {@code 0 <= start <= end}, not against the input. */
    @Override
    public PiiResult parse(ChatCompletion completion) {
        return ContentParser.json(completion, EXPECTED, this::result);
    }

    /**
     * The content's shape, and every entity against {@code text}: its code point offsets lie in the text and delimit
     * exactly its {@code text} there.
     */
    @Override
    public PiiResult parse(ChatCompletion completion, String text) {
        return ContentParser.json(completion, EXPECTED, root -> {
            PiiResult r = result(root);
            for (int i = 0; i < r.entities().size(); i++) {
                PiiEntity e = r.entities().get(i);
                CodePointSpans.check(text, e.text(), e.start(), e.end(), "$.entities[" + i + "]");
            }
            return r;
        });
    }

    private PiiResult result(JsonNode root) {
        JsonShape.object(root, "$");
        List<PiiEntity> entities = entities(JsonShape.requiredArray(root, "entities", "$"));
        JsonNode byLabel = JsonShape.optional(root, "entities_by_label");
        String redacted = usecase == PiiUsecase.REDACT
                ? JsonShape.string(JsonShape.required(root, "redacted_text", "$"), "$.redacted_text")
                : JsonShape.optionalString(root, "redacted_text", "$");
        return new PiiResult(entities, byLabel == null ? PiiResult.groupByLabel(entities) : byLabel(byLabel), redacted);
    }

    private static List<PiiEntity> entities(JsonNode array) {
        List<PiiEntity> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String at = "$.entities[" + i + "]";
            JsonNode item = JsonShape.object(array.get(i), at);
            String text = JsonShape.string(JsonShape.required(item, "text", at), at + ".text");
            String label = JsonShape.requiredString(item, "label", at);
            int start = JsonShape.requiredInt(item, "start", at);
            int end = JsonShape.requiredInt(item, "end", at);
            if (start < 0 || start > end) {
                throw new ContentShapeException("expected offsets with 0 <= start <= end at " + at
                        + ", found start " + (start < 0 ? "negative" : "after end"));
            }
            out.add(new PiiEntity(text, label, start, end, JsonShape.requiredNumber(item, "score", at)));
        }
        return out;
    }

    private static Map<String, List<String>> byLabel(JsonNode node) {
        JsonShape.object(node, "$.entities_by_label");
        Map<String, List<String>> out = new LinkedHashMap<>();
        int index = 0;
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String at = JsonShape.keyPath("$.entities_by_label", index++);
            if (e.getKey().isBlank()) {
                throw new ContentShapeException("expected a non-blank label at " + at + ", found a blank key");
            }
            JsonShape.array(e.getValue(), at);
            List<String> texts = new ArrayList<>(e.getValue().size());
            for (int i = 0; i < e.getValue().size(); i++) {
                texts.add(JsonShape.string(e.getValue().get(i), at + "[" + i + "]"));
            }
            out.put(e.getKey(), texts);
        }
        return out;
    }

    /**
     * The {@link TaskType#PII} type; results fill the enriched record's {@code pii} field. Options:
     * {@code usecase} ({@code extract-pii} default, or {@code redact}), {@code mask} (string, e.g. {@code label}),
     * {@code threshold} (0..1, default 0.5), {@code categories} (list of strings). A task of usecase
     * {@code redact} {@link #redacts redacts}: its redacted text replaces the event's text.
     */
    static final class Definition extends TypeDefinition<PiiTask, PiiResult> {
        private static final Map<String, PiiUsecase> USECASES = new LinkedHashMap<>();

        static {
            for (PiiUsecase u : PiiUsecase.values()) {
                USECASES.put(u.wireName(), u);
            }
        }

        Definition() {
            super(PiiTask.class, "pii", ModelCatalog.GLINER_PII, List.of("usecase", "mask", "threshold", "categories"),
                    PiiResult.class, dev.enricher.avro.PiiResult.getClassSchema());
        }

        @Override
        PiiTask create(String name, String model, TaskOptions o) {
            return new PiiTask(name, model,
                    o.choice("usecase", USECASES, PiiUsecase.EXTRACT_PII),
                    o.string("mask"),
                    o.number("threshold", 0, 1, DEFAULT_THRESHOLD),
                    o.stringList("categories", false, "PII categories"));
        }

        @Override
        dev.enricher.avro.PiiResult toAvro(PiiResult r) {
            List<dev.enricher.avro.PiiEntity> entities = new ArrayList<>(r.entities().size());
            for (PiiEntity e : r.entities()) {
                entities.add(new dev.enricher.avro.PiiEntity(e.text(), e.label(), e.start(), e.end(), e.score(),
                        e.textHmac()));
            }
            return new dev.enricher.avro.PiiResult(entities, r.entitiesByLabel(), r.redactedText());
        }

        @Override
        boolean redacts(PiiTask task) {
            return task.usecase() == PiiUsecase.REDACT;
        }

        @Override
        String redactedText(PiiResult result) {
            return result.redactedText();
        }
    }
}
