package dev.enricher.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.tasks.LongInput;
import dev.enricher.tasks.TaskCondition;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the {@code tasks:} list into {@link TaskSpec}s, each built once by {@link TaskFactory} so that a bad option is
 * reported here, with the task's place in the list ({@code tasks[2]}), rather than when the pipeline starts.
 */
final class TaskListReader {
    private static final List<String> TASK_KEYS = List.of("name", "type", "model", "options", "when", "input",
            "on-long-input", "max-input-tokens");

    private TaskListReader() {
    }

    /** The specs of the tasks that are valid; every other one is a problem. {@code node} may be null (absent). */
    static List<TaskSpec> read(JsonNode node, List<ConfigException.Problem> problems) {
        List<TaskSpec> specs = new ArrayList<>();
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            problems.add(new ConfigException.Problem(RawConfig.TASKS, "is required: list at least one task, e.g. "
                    + "[{name: iab, type: iab}]; types: " + typeNames()));
            return specs;
        }
        if (!node.isArray()) {
            problems.add(new ConfigException.Problem(RawConfig.TASKS,
                    "must be a list of tasks ({name, type, model, options})"));
            return specs;
        }
        List<String> where = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            TaskSpec spec = readTask(node.get(i), RawConfig.TASKS + "[" + i + "]", problems);
            if (spec != null) {
                specs.add(spec);
                where.add(RawConfig.TASKS + "[" + i + "]");
            }
        }
        // Conditions may read every other task's result: compiled once all the names are known.
        List<String> names = specs.stream().map(TaskSpec::effectiveName).toList();
        for (int i = 0; i < specs.size(); i++) {
            TaskSpec spec = specs.get(i);
            if (spec.when() != null) {
                try {
                    TaskCondition.compile(spec.effectiveName(), spec.when(), names);
                } catch (IllegalArgumentException e) {
                    problems.add(new ConfigException.Problem(where.get(i) + ".when", e.getMessage()));
                }
            }
        }
        return specs;
    }

    /** The spec at {@code where}, or null after adding its problems. */
    private static TaskSpec readTask(JsonNode t, String where, List<ConfigException.Problem> problems) {
        if (!t.isObject()) {
            problems.add(new ConfigException.Problem(where, "must be a mapping with name, type, model, options"));
            return null;
        }
        for (Iterator<String> names = t.fieldNames(); names.hasNext(); ) {
            String f = names.next();
            if (!TASK_KEYS.contains(f.replace('_', '-'))) {
                problems.add(new ConfigException.Problem(where + "." + f,
                        "is not a task key; valid: " + String.join(", ", TASK_KEYS)));
            }
        }
        JsonNode type = t.get("type");
        if (type == null || !type.isTextual()) {
            problems.add(new ConfigException.Problem(where + ".type", "is required; one of " + typeNames()));
            return null;
        }
        TaskType tt;
        try {
            tt = TaskType.parse(type.asText());
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigException.Problem(where + ".type", e.getMessage()));
            return null;
        }
        JsonNode options = t.get("options");
        if (options != null && !options.isNull() && !options.isObject()) {
            problems.add(new ConfigException.Problem(where + ".options", "must be a mapping of option -> value"));
            return null;
        }
        Map<String, Object> opts = options == null || options.isNull() ? Map.of()
                : YamlConfigReader.YAML.convertValue(options, YamlConfigReader.YAML.getTypeFactory()
                .constructMapType(LinkedHashMap.class, String.class, Object.class));
        JsonNode when = t.get("when");
        if (when != null && !when.isNull() && !when.isTextual()) {
            problems.add(new ConfigException.Problem(where + ".when", "must be a condition in CEL, as a string, e.g. "
                    + "\"attributes.category == 'news'\""));
            return null;
        }
        JsonNode input = t.get("input");
        if (input != null && !input.isNull() && !input.isTextual()) {
            problems.add(new ConfigException.Problem(where + ".input", "must name a text field of another task's "
                    + "result as <task>.<field>, e.g. pii.redacted_text or summary.text"));
            return null;
        }
        LongInput longInput = longInput(t, tt, where, problems);
        if (longInput == null) {
            return null;
        }
        TaskSpec spec = new TaskSpec(text(t.get("name")), tt, text(t.get("model")), opts, text(when), text(input),
                longInput);
        try {
            TaskFactory.create(spec);
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigException.Problem(where, e.getMessage()));
            return null;
        }
        return spec;
    }

    /** The task's {@code on-long-input} and {@code max-input-tokens}, its type's default for what is absent. */
    private static LongInput longInput(JsonNode t, TaskType type, String where,
                                       List<ConfigException.Problem> problems) {
        JsonNode mode = key(t, "on-long-input");
        JsonNode max = key(t, "max-input-tokens");
        LongInput.Mode m = type.defaultOnLongInput();
        if (mode != null && !mode.isNull()) {
            try {
                m = LongInput.Mode.parse(mode.asText());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigException.Problem(where + ".on-long-input", e.getMessage()));
                return null;
            }
            if (m == LongInput.Mode.CHUNK && !type.chunkable()) {
                problems.add(new ConfigException.Problem(where + ".on-long-input", "chunk is not available for type "
                        + type.name().toLowerCase(Locale.ROOT).replace('_', '-') + ": the answers of pieces of a text cannot be merged into one; use "
                        + "truncate (the default) or dead-letter"));
                return null;
            }
        }
        Integer limit = null;
        if (max != null && !max.isNull()) {
            if (!max.canConvertToInt() || !max.isIntegralNumber() || max.asInt() < 16) {
                problems.add(new ConfigException.Problem(where + ".max-input-tokens", "must be a whole number >= 16 "
                        + "(tokens of the whole request, as the model counts them), was " + max.asText()));
                return null;
            }
            limit = max.asInt();
        }
        return new LongInput(m, limit);
    }

    /** The value of task key {@code kebab}, also written with underscores; null when absent. */
    private static JsonNode key(JsonNode t, String kebab) {
        JsonNode v = t.get(kebab);
        return v != null ? v : t.get(kebab.replace('-', '_'));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static String typeNames() {
        List<String> names = new ArrayList<>();
        for (TaskType t : TaskType.values()) {
            names.add(t.name().toLowerCase(Locale.ROOT));
        }
        return String.join(", ", names);
    }
}
