package dev.enricher.tasks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * The registry of task types: the only list of them. Each constant registers the one definition of its type
 * (nested in the type's task class), which knows the type's default name and model, its options, the task it
 * builds, the result that task parses and how that result is written into the enriched record. Models are renamed
 * and retired, so a {@link TaskSpec} can override the model.
 *
 * <p>Adding a type: write its task record with a nested {@code Definition} (see {@link IabTask} for the smallest),
 * its result record and the result's Avro record (in {@code schemas/results/}), then add one constant here.
 * {@code TaskTypeContractTest} then runs over it, given an example answer of the new type (its switch over the
 * types does not compile without one).
 */
public enum TaskType {
    /** {@code zlm-v1-iab-classify-edge}: IAB audience and content categories. */
    IAB(new IabTask.Definition()),
    /** The enriched IAB classifier (v2 name; the v1 name {@link dev.enricher.client.ModelCatalog#IAB_ENRICHED_V1} is a model override away). */
    IAB_ENRICHED(new IabEnrichedTask.Definition()),
    /** {@code zlm-v1-followup-questions-edge} (deprecated in 2026): follow-up questions for the text. */
    FOLLOWUP_QUESTIONS(new FollowupQuestionsTask.Definition()),
    /** {@code gliner-multi-pii-v1}: personal data entities, optionally with the text redacted. */
    PII(new PiiTask.Definition()),
    /** {@code gliner2-base-v1} usecase {@code ner}: spans per requested label. */
    GLINER_NER(new GlinerNerTask.Definition()),
    /** {@code gliner2-base-v1} usecase {@code json}: structured fields per schema group. */
    GLINER_JSON(new GlinerJsonTask.Definition()),
    /** {@code gliner2-base-v1} usecase {@code classification}: one label per schema axis. */
    GLINER_CLASSIFICATION(new GlinerClassificationTask.Definition()),
    /** {@code deberta-v3-small}: zero-shot scores for up to 10 labels. */
    ZERO_SHOT(new ZeroShotTask.Definition()),
    /** Plain text generation (summaries by default) with {@code llama-3.1-8b-instruct-fast} or an LFM instruct model. */
    TEXT_GENERATION(new TextGenerationTask.Definition()),
    /** {@code LFM2.5-1.2B-Thinking}: an answer with its visible reasoning separated out. */
    THINKING(new ThinkingTask.Definition()),
    /** A prompt of the user's own for a chat model, answered as text or as JSON following a JSON Schema. */
    PROMPT(new PromptTask.Definition());

    /** Task names become field names of the enriched Avro record, so they follow Avro's name rule. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final TypeDefinition<?, ?> definition;

    TaskType(TypeDefinition<?, ?> definition) {
        this.definition = definition;
    }

    /** The option keys a {@link TaskSpec} of this type may set (their meaning is documented on the task class). */
    public List<String> optionKeys() {
        return definition.optionKeys();
    }

    /** The task name when configuration gives none. */
    public String defaultName() {
        return definition.defaultName();
    }

    /** The model when configuration gives none. */
    public String defaultModel() {
        return definition.defaultModel();
    }

    /**
     * The Avro schema of {@code task}'s results: the type of its field, named by the task, in the enriched record's
     * {@code results} (a record of {@code dev.enricher.avro} for the built-in types; a prompt task's own record).
     *
     * @throws IllegalArgumentException when {@code task} is not of this type
     */
    public Schema resultSchema(EnrichmentTask task) {
        return definition.resultSchemaOf(task);
    }

    /**
     * The Avro form of a result of this type: a datum of its task's {@link #resultSchema}, field for field, order kept.
     *
     * @throws IllegalArgumentException when {@code result} is not of this type's result class (a caller's bug)
     */
    public Object toAvro(TaskResult result) {
        return definition.avroOf(result);
    }

    /**
     * Whether {@code task}'s redacted text replaces the event's text in the enriched record (for example a PII task
     * with usecase {@code redact}). Known from configuration alone, so that the text can be withheld when the task
     * fails.
     *
     * @throws IllegalArgumentException when {@code task} is not of this type
     */
    public boolean redacts(EnrichmentTask task) {
        return definition.redactsText(task);
    }

    /**
     * The text that replaces the event's text, read from a result of a task that {@link #redacts}; null for a type
     * that never redacts.
     *
     * @throws IllegalArgumentException when {@code result} is not of this type's result class
     */
    public String redactedText(TaskResult result) {
        return definition.redactedTextOf(result);
    }

    /**
     * The type that builds {@code task}.
     *
     * @throws IllegalArgumentException naming the task when no registered type builds tasks of its class
     */
    /**
     * What the type does with an input over its model's limit by default: {@code chunk} for span and classification
     * types (their results merge), {@code truncate} for those that generate text (a summary of the head beats none).
     */
    public LongInput.Mode defaultOnLongInput() {
        return switch (this) {
            case FOLLOWUP_QUESTIONS, TEXT_GENERATION, THINKING, PROMPT -> LongInput.Mode.TRUNCATE;
            default -> LongInput.Mode.CHUNK;
        };
    }

    /** Whether the results of pieces of one input merge into one result ({@link LongInput.Mode#CHUNK}). */
    public boolean chunkable() {
        return defaultOnLongInput() == LongInput.Mode.CHUNK;
    }

    public static TaskType of(EnrichmentTask task) {
        for (TaskType t : values()) {
            if (t.definition.builds(task)) {
                return t;
            }
        }
        throw new IllegalArgumentException("task '" + task.name() + "' is a " + task.getClass().getName()
                + ", which no registered task type builds; register its type in " + TaskType.class.getName());
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

    TypeDefinition<?, ?> definition() {
        return definition;
    }

    /** {@code name}, or this type's default name when null; validated against the Avro name rule. */
    String nameOrDefault(String name) {
        String n = name == null ? defaultName() : name;
        if (!NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("task name must match " + NAME.pattern()
                    + " (it names a field of the enriched record), was '" + n + "'");
        }
        return n;
    }

    /** {@code model}, or this type's default model when null; never blank. */
    String modelOrDefault(String model) {
        String m = model == null ? defaultModel() : model;
        if (m.isBlank()) {
            throw new IllegalArgumentException("model of task type " + this + " must not be blank");
        }
        return m;
    }
}
