package dev.enricher.tasks;

import dev.enricher.client.ModelCatalog;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The kinds of enrichment task, one per model family and use case, with the default task name and model
 * each starts from. Models are renamed and retired, so a {@link TaskSpec} can override the model.
 */
public enum TaskType {
    /** {@code zlm-v1-iab-classify-edge}: IAB audience and content categories. */
    IAB("iab", ModelCatalog.IAB),
    /** The enriched IAB classifier (v2 name; the v1 name {@link ModelCatalog#IAB_ENRICHED_V1} is a model override away). */
    IAB_ENRICHED("iab_enriched", ModelCatalog.IAB_ENRICHED),
    /** {@code zlm-v1-followup-questions-edge} (deprecated in 2026): follow-up questions for the text. */
    FOLLOWUP_QUESTIONS("followups", ModelCatalog.FOLLOWUP),
    /** {@code gliner-multi-pii-v1}: personal data entities, optionally with the text redacted. */
    PII("pii", ModelCatalog.GLINER_PII, "usecase", "mask", "threshold", "categories"),
    /** {@code gliner2-base-v1} usecase {@code ner}: spans per requested label. */
    GLINER_NER("entities", ModelCatalog.GLINER2, "labels", "threshold"),
    /** {@code gliner2-base-v1} usecase {@code json}: structured fields per schema group. */
    GLINER_JSON("extract", ModelCatalog.GLINER2, "schema"),
    /** {@code gliner2-base-v1} usecase {@code classification}: one label per schema axis. */
    GLINER_CLASSIFICATION("classify", ModelCatalog.GLINER2, "schema"),
    /** {@code deberta-v3-small}: zero-shot scores for up to 10 labels. */
    ZERO_SHOT("labels", ModelCatalog.DEBERTA, "labels"),
    /** Plain text generation (summaries by default) with {@code llama-3.1-8b-instruct-fast} or an LFM instruct model. */
    TEXT_GENERATION("summary", ModelCatalog.LLAMA, "system_prompt", "max_tokens", "temperature"),
    /** {@code LFM2.5-1.2B-Thinking}: an answer with its visible reasoning separated out. */
    THINKING("thinking", ModelCatalog.LFM_THINKING);

    /** Task names become field names of the enriched Avro record, so they follow Avro's name rule. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String defaultName;
    private final String defaultModel;
    private final List<String> optionKeys;

    TaskType(String defaultName, String defaultModel, String... optionKeys) {
        this.defaultName = defaultName;
        this.defaultModel = defaultModel;
        this.optionKeys = List.of(optionKeys);
    }

    /** The option keys a {@link TaskSpec} of this type may set (see {@link TaskFactory} for their meaning). */
    public List<String> optionKeys() {
        return optionKeys;
    }

    public String defaultName() {
        return defaultName;
    }

    public String defaultModel() {
        return defaultModel;
    }

    /**
     * Reads a type as written in configuration: case-insensitive, {@code -} and {@code _} alike
     * ({@code gliner-ner}, {@code GLINER_NER}).
     *
     * @throws IllegalArgumentException naming the valid types when {@code text} is none of them
     */
    public static TaskType parse(String text) {
        if (text != null) {
            String normalized = text.trim().replace('-', '_').toUpperCase(Locale.ROOT);
            for (TaskType t : values()) {
                if (t.name().equals(normalized)) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("unknown task type '" + text + "'; valid types: " + validNames());
    }

    private static List<String> validNames() {
        return Arrays.stream(values()).map(t -> t.name().toLowerCase(Locale.ROOT)).toList();
    }

    /** {@code name}, or this type's default name when null; validated against the Avro name rule. */
    String nameOrDefault(String name) {
        String n = name == null ? defaultName : name;
        if (!NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("task name must match " + NAME.pattern()
                    + " (it names a field of the enriched record), was '" + n + "'");
        }
        return n;
    }

    /** {@code model}, or this type's default model when null; never blank. */
    String modelOrDefault(String model) {
        String m = model == null ? defaultModel : model;
        if (m.isBlank()) {
            throw new IllegalArgumentException("model of task type " + this + " must not be blank");
        }
        return m;
    }
}
