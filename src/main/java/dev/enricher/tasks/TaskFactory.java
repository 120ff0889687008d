package dev.enricher.tasks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds tasks from configuration. Options per {@link TaskType} (any other key is refused):
 * <ul>
 * <li>{@code PII}: {@code usecase} ({@code extract-pii} default, or {@code redact}), {@code mask} (string,
 *     e.g. {@code label}), {@code threshold} (0..1, default 0.5), {@code categories} (list of strings)</li>
 * <li>{@code GLINER_NER}: {@code labels} (required list of strings), {@code threshold} (0..1, default 0.5)</li>
 * <li>{@code GLINER_JSON}: {@code schema} (required: group -> list of {@code field::type::description})</li>
 * <li>{@code GLINER_CLASSIFICATION}: {@code schema} (required: axis -> list of labels)</li>
 * <li>{@code ZERO_SHOT}: {@code labels} (required list of 1 to 10 strings)</li>
 * <li>{@code TEXT_GENERATION}: {@code system_prompt} (string), {@code max_tokens} (whole number > 0),
 *     {@code temperature} (0..2)</li>
 * <li>{@code IAB}, {@code IAB_ENRICHED}, {@code FOLLOWUP_QUESTIONS}, {@code THINKING}: none</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class TaskFactory {
    private static final Map<String, PiiUsecase> PII_USECASES = new LinkedHashMap<>();

    static {
        for (PiiUsecase u : PiiUsecase.values()) {
            PII_USECASES.put(u.wireName(), u);
        }
    }

    private TaskFactory() {
    }

    /**
     * The task {@code spec} describes.
     *
     * @throws IllegalArgumentException when an option is unknown, missing or invalid, or the name or model is;
     *                                  the message names the task, the key, what is valid and what was given
     */
    public static EnrichmentTask create(TaskSpec spec) {
        String task = spec.effectiveName();
        TaskOptions o = new TaskOptions(task, spec.options(), spec.type().optionKeys());
        String name = spec.name();
        String model = spec.model();
        try {
            return switch (spec.type()) {
                case IAB -> new IabTask(name, model);
                case IAB_ENRICHED -> new IabEnrichedTask(name, model);
                case FOLLOWUP_QUESTIONS -> new FollowupQuestionsTask(name, model);
                case THINKING -> new ThinkingTask(name, model);
                case PII -> new PiiTask(name, model,
                        o.choice("usecase", PII_USECASES, PiiUsecase.EXTRACT_PII),
                        o.string("mask"),
                        o.number("threshold", 0, 1, PiiTask.DEFAULT_THRESHOLD),
                        o.stringList("categories", false, "PII categories"));
                case GLINER_NER -> new GlinerNerTask(name, model,
                        o.stringList("labels", true, "entity labels"),
                        o.number("threshold", 0, 1, GlinerNerTask.DEFAULT_THRESHOLD));
                case GLINER_JSON -> new GlinerJsonTask(name, model,
                        o.schema("schema", "group", "field specs 'name::type::description'"));
                case GLINER_CLASSIFICATION -> new GlinerClassificationTask(name, model,
                        o.schema("schema", "axis", "labels"));
                case ZERO_SHOT -> new ZeroShotTask(name, model, o.stringList("labels", true, "labels"));
                case TEXT_GENERATION -> new TextGenerationTask(name, model,
                        o.string("system_prompt"),
                        o.positiveInt("max_tokens"),
                        o.number("temperature", 0, 2, null));
            };
        } catch (TaskOptions.InvalidOptionException e) {
            throw e; // already names the task and the option
        } catch (IllegalArgumentException e) {
            throw o.wrap(e); // a task's own validation (label count, schema field spec, name rule)
        }
    }
}
