package dev.enricher.bench;

import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The tasks of {@code bench pipeline --tasks}: a comma-separated list of task types, each written as its type
 * ({@code followup_questions}), its default name ({@code followups}) or an unambiguous prefix of either
 * ({@code followup}). Types that need options get fixed benchmark ones (labels, schemas).
 */
public final class BenchTasks {
    private BenchTasks() {
    }

    /**
     * The tasks of a comma-separated list, in its order.
     *
     * @throws IllegalArgumentException naming the word that is no task type, or a type given twice
     */
    public static List<EnrichmentTask> parse(String csv) {
        List<EnrichmentTask> tasks = new ArrayList<>();
        List<TaskType> seen = new ArrayList<>();
        for (String word : csv.split(",")) {
            String w = word.trim();
            if (w.isEmpty()) {
                continue;
            }
            TaskType type = type(w);
            if (seen.contains(type)) {
                throw new IllegalArgumentException("task '" + w + "' is given twice in --tasks " + csv);
            }
            seen.add(type);
            tasks.add(TaskFactory.create(new TaskSpec(null, type, null, options(type))));
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("--tasks names no task: " + csv);
        }
        return tasks;
    }

    private static TaskType type(String word) {
        String w = word.toLowerCase(Locale.ROOT).replace('-', '_');
        List<TaskType> prefixed = new ArrayList<>();
        for (TaskType t : TaskType.values()) {
            String typeName = t.name().toLowerCase(Locale.ROOT);
            if (typeName.equals(w) || t.defaultName().equals(w)) {
                return t;
            }
            if (typeName.startsWith(w) || t.defaultName().startsWith(w)) {
                prefixed.add(t);
            }
        }
        if (prefixed.size() == 1) {
            return prefixed.get(0);
        }
        List<String> valid = new ArrayList<>();
        for (TaskType t : TaskType.values()) {
            valid.add(t.defaultName());
        }
        throw new IllegalArgumentException("--tasks: '" + word + "' is " + (prefixed.isEmpty() ? "no" : "more than one")
                + " task type; valid: " + String.join(", ", valid));
    }

    private static Map<String, Object> options(TaskType type) {
        switch (type) {
            case GLINER_NER:
                return Map.of("labels", List.of("person", "organization", "location", "product"));
            case GLINER_JSON:
                return Map.of("schema", Map.of("event", List.of("what::str::what happened",
                        "where::str::the place", "amount::str::any amount of money")));
            case GLINER_CLASSIFICATION:
                return Map.of("schema", Map.of("sentiment", List.of("positive", "negative", "neutral")));
            case ZERO_SHOT:
                return Map.of("labels", List.of("sports", "finance", "technology", "health", "travel", "politics"));
            default:
                return Map.of();
        }
    }
}
