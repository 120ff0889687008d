package dev.enricher.tasks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * How a configuration's tasks depend on each other, per event: a task may take its input text from a text field of
 * another task's result ({@code input: pii.redacted_text}, {@code input: summary.text}) instead of the event's text,
 * and its condition may read other tasks' results ({@code when: results.iab...}). A task is decided once every task it
 * depends on ended: it runs when they all succeeded, is skipped when one was skipped, and fails when one failed.
 *
 * <p>Checked when built: every reference names a configured task other than itself and a text field of its result,
 * and the dependencies form no cycle; every problem names the tasks. Tasks are identified by their index in the
 * configured list. Immutable and thread-safe.
 */
public final class TaskGraph {
    /**
     * A task's input: the text field {@code field} of task {@code task}'s result.
     *
     * @param task  the index of the task whose result is read
     * @param field the result's field, a string (for example {@code redacted_text})
     * @param ref   the reference as configured, {@code <task>.<field>}
     */
    public record Input(int task, String field, String ref) {
    }

    private final List<EnrichmentTask> tasks;
    /** Each task's input; null for the event's text. */
    private final Input[] inputs;
    /** Each task's dependencies (its input's task, and the tasks its condition reads), by index, ascending. */
    private final int[][] dependencies;
    /** The tasks in an order where every task comes after the tasks it depends on (configured order otherwise). */
    private final int[] order;

    private TaskGraph(List<EnrichmentTask> tasks, Input[] inputs, int[][] dependencies, int[] order) {
        this.tasks = tasks;
        this.inputs = inputs;
        this.dependencies = dependencies;
        this.order = order;
    }

    /** Tasks that all read the event's text and depend on nothing. */
    public static TaskGraph independent(List<? extends EnrichmentTask> tasks) {
        return of(tasks, Map.of(), Map.of());
    }

    /**
     * The graph of {@code tasks} (in configured order).
     *
     * @param inputs     the tasks' inputs by task name, each {@code <task>.<field>}; a task absent reads the event's text
     * @param conditions the tasks' conditions by task name (their {@link TaskCondition#dependencies()} count)
     * @throws IllegalArgumentException listing every problem, naming the tasks: an unknown task or field, a field that
     *                                  is not text, a task reading itself, a cycle
     */
    public static TaskGraph of(List<? extends EnrichmentTask> tasks, Map<String, String> inputs,
                               Map<String, TaskCondition> conditions) {
        List<EnrichmentTask> list = List.copyOf(tasks);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            index.putIfAbsent(list.get(i).name(), i);
        }
        List<String> problems = new ArrayList<>();
        Input[] in = new Input[list.size()];
        int[][] deps = new int[list.size()][];
        for (int i = 0; i < list.size(); i++) {
            String name = list.get(i).name();
            Set<Integer> d = new LinkedHashSet<>();
            String ref = inputs.get(name);
            if (ref != null) {
                in[i] = input(name, ref, index, list, problems);
                if (in[i] != null) {
                    d.add(in[i].task());
                }
            }
            TaskCondition c = conditions.get(name);
            if (c != null) {
                for (String other : c.dependencies()) {
                    Integer j = index.get(other);
                    if (j == null) {
                        problems.add("task '" + name + "': its condition reads results." + other
                                + ", which is not a configured task");
                    } else {
                        d.add(j);
                    }
                }
            }
            deps[i] = d.stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        for (String name : inputs.keySet()) {
            if (!index.containsKey(name)) {
                problems.add("an input is given for task '" + name + "', which is not configured");
            }
        }
        int[] order = problems.isEmpty() ? order(list, deps, problems) : null;
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new TaskGraph(list, in, deps, order);
    }

    private static Input input(String name, String ref, Map<String, Integer> index, List<EnrichmentTask> tasks,
                               List<String> problems) {
        int dot = ref.indexOf('.');
        if (dot <= 0 || dot == ref.length() - 1) {
            problems.add("task '" + name + "': input '" + ref + "' must name a task and a text field of its result, "
                    + "as <task>.<field>, e.g. pii.redacted_text or summary.text");
            return null;
        }
        String source = ref.substring(0, dot);
        String field = ref.substring(dot + 1);
        Integer j = index.get(source);
        if (j == null) {
            problems.add("task '" + name + "': input '" + ref + "' names task '" + source + "', which is not "
                    + "configured; tasks: " + index.keySet().stream().sorted().toList());
            return null;
        }
        if (source.equals(name)) {
            problems.add("task '" + name + "': input '" + ref + "' reads the task's own result");
            return null;
        }
        EnrichmentTask from = tasks.get(j);
        Schema schema = TaskType.of(from).resultSchema(from);
        List<String> textFields = textFields(schema);
        if (schema.getField(field) == null || !textFields.contains(field)) {
            problems.add("task '" + name + "': input '" + ref + "': "
                    + (schema.getField(field) == null ? "the result of task '" + source + "' has no field '" + field
                    + "'" : "field '" + field + "' of task '" + source + "''s result is not text")
                    + (textFields.isEmpty() ? "; its result has no text field to read"
                    : "; its text fields: " + textFields));
            return null;
        }
        return new Input(j, field, ref);
    }

    /** The top-level fields of {@code record} whose values are text (string, or null or string). */
    static List<String> textFields(Schema record) {
        List<String> out = new ArrayList<>();
        for (Schema.Field f : record.getFields()) {
            Schema s = f.schema();
            boolean text = s.getType() == Schema.Type.STRING
                    || (s.getType() == Schema.Type.UNION && s.getTypes().stream().allMatch(
                    t -> t.getType() == Schema.Type.STRING || t.getType() == Schema.Type.NULL)
                    && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.STRING));
            if (text) {
                out.add(f.name());
            }
        }
        return out;
    }

    /** Kahn's algorithm, taking the lowest ready index first (so independent tasks keep their configured order). */
    private static int[] order(List<EnrichmentTask> tasks, int[][] deps, List<String> problems) {
        int n = tasks.size();
        int[] waiting = new int[n];
        for (int i = 0; i < n; i++) {
            waiting[i] = deps[i].length;
        }
        boolean[] placed = new boolean[n];
        int[] order = new int[n];
        for (int k = 0; k < n; k++) {
            int next = -1;
            for (int i = 0; i < n && next < 0; i++) {
                if (!placed[i] && waiting[i] == 0) {
                    next = i;
                }
            }
            if (next < 0) {
                problems.add("the tasks " + cycle(tasks, deps, placed) + " depend on each other in a cycle (through "
                        + "input: and the results their when: reads); break it");
                return null;
            }
            placed[next] = true;
            order[k] = next;
            for (int i = 0; i < n; i++) {
                for (int d : deps[i]) {
                    if (d == next) {
                        waiting[i]--;
                    }
                }
            }
        }
        return order;
    }

    /** One cycle among the tasks not placed, as {@code 'a' -> 'b' -> 'a'}. */
    private static String cycle(List<EnrichmentTask> tasks, int[][] deps, boolean[] placed) {
        int start = 0;
        while (placed[start]) {
            start++;
        }
        List<Integer> path = new ArrayList<>();
        int at = start;
        while (!path.contains(at)) {
            path.add(at);
            int next = -1;
            for (int d : deps[at]) {
                if (!placed[d]) {
                    next = d;
                    break;
                }
            }
            at = next;
        }
        List<String> names = new ArrayList<>();
        for (int k = path.indexOf(at); k < path.size(); k++) {
            names.add("'" + tasks.get(path.get(k)).name() + "'");
        }
        names.add("'" + tasks.get(at).name() + "'");
        // deps point from a task to what it needs: read the path backwards, in the direction data flows
        java.util.Collections.reverse(names);
        return String.join(" -> ", names);
    }

    /** How many tasks. */
    public int size() {
        return inputs.length;
    }

    /** Task {@code i}'s input; null when it reads the event's text. */
    public Input input(int i) {
        return inputs[i];
    }

    /** The tasks task {@code i} depends on, by index, ascending; empty for none. A copy. */
    public int[] dependencies(int i) {
        return dependencies[i].clone();
    }

    /** True when task {@code i} depends on no other task. */
    public boolean independent(int i) {
        return dependencies[i].length == 0;
    }

    /** Whether task {@code i} depends on task {@code j}. */
    public boolean dependsOn(int i, int j) {
        return Arrays.binarySearch(dependencies[i], j) >= 0;
    }

    /** Every task once, each after the tasks it depends on. A copy. */
    public int[] order() {
        return order.clone();
    }

    /**
     * The input text task {@code i} reads from {@code result}, the result of its {@link #input input} task.
     *
     * @return the field's text; null when the result holds none
     */
    public String inputText(int i, TaskResult result) {
        Input in = Objects.requireNonNull(inputs[i], "task reads the event's text");
        EnrichmentTask from = tasks.get(in.task());
        Object avro = TaskType.of(from).toAvro(result);
        Object v = ((IndexedRecord) avro).get(((IndexedRecord) avro).getSchema().getField(in.field()).pos());
        return v == null ? null : v.toString();
    }
}
