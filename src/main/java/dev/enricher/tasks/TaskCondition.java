package dev.enricher.tasks;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * A task's {@code when:} condition: an expression of the Common Expression Language (CEL, {@code dev.cel:cel}, the
 * language Kubernetes and Envoy use for such rules) over the event, compiled and type-checked when the configuration
 * is read, evaluated per event. False: the task is skipped for that event (no call, no cost).
 *
 * <p>Variables: {@code id} (string, empty when the event has none), {@code text} (string), {@code text_length}
 * (int, in code points, as the models count), {@code attributes} and {@code headers} (map of string to string; a
 * header's value as UTF-8 text), and {@code results.<task>} for every other task of the configuration: that task's
 * result, as the enriched record's {@code results.<task>} field holds it (field names as there). Reading another
 * task's result makes this task depend on it ({@link #dependencies()}): it is decided once that task succeeded, and
 * skipped when that task was skipped. Examples: {@code attributes.category == 'news'}, {@code text_length > 2000},
 * {@code has(attributes.lang) && attributes.lang in ['en', 'de']}, {@code headers['source'] == 'crm'},
 * {@code results.iab.iab_2_2.exists(c, c.score > 0.8)}.
 *
 * <p>A condition that does not parse, names anything else, or is not of type {@code bool} is refused with the task's
 * name and the line and column. One that fails on an event (a map key it reads without {@code has()}) fails with
 * {@link ConditionFailedException}, naming the task and the reason.
 *
 * <p>Immutable and thread-safe (CEL's programs are).
 */
public final class TaskCondition {
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    /** The prefix of the variables that hold other tasks' results. */
    private static final String RESULTS = "results.";

    private final String task;
    private final String expression;
    private final CelRuntime.Program program;
    /** The other tasks whose results the expression reads, sorted. */
    private final Set<String> dependencies;

    private TaskCondition(String task, String expression, CelRuntime.Program program, Set<String> dependencies) {
        this.task = task;
        this.expression = expression;
        this.program = program;
        this.dependencies = Set.copyOf(dependencies);
    }

    /** Thrown when a condition cannot be evaluated on an event: the event becomes a dead letter naming why. */
    public static final class ConditionFailedException extends RuntimeException {
        ConditionFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What a condition reads of one event.
     *
     * @param results the results of the tasks the condition {@link #dependencies() depends on}, by task name, in
     *                their Avro form ({@link TaskType#toAvro}); may hold more
     */
    public record Event(String id, String text, Map<String, String> attributes, Map<String, String> headers,
                        Map<String, Object> results) {
        public Event {
            Objects.requireNonNull(text, "text");
            attributes = attributes == null ? Map.of() : attributes;
            headers = headers == null ? Map.of() : headers;
            results = results == null ? Map.of() : results;
        }

        /** An event with no task results. */
        public Event(String id, String text, Map<String, String> attributes, Map<String, String> headers) {
            this(id, text, attributes, headers, Map.of());
        }

        /** This event with {@code results} as the task results. */
        public Event withResults(Map<String, Object> results) {
            return new Event(id, text, attributes, headers, results);
        }
    }

    /**
     * Compiles task {@code task}'s condition, which reads the event only.
     *
     * @throws IllegalArgumentException naming the task, and for each problem its line, column and CEL's words
     */
    public static TaskCondition compile(String task, String expression) {
        return compile(task, expression, Set.of());
    }

    /**
     * Compiles task {@code task}'s condition in a configuration whose tasks are {@code tasks}: it may read the result
     * of any other of them as {@code results.<name>}.
     *
     * @throws IllegalArgumentException naming the task, and for each problem its line, column and CEL's words
     */
    public static TaskCondition compile(String task, String expression, Collection<String> tasks) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("task '" + task + "': when must be a non-empty expression, e.g. "
                    + "\"attributes.category == 'news'\" or \"text_length > 2000\"");
        }
        CelCompilerBuilder compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists(), map(), filter()
                .addVar("id", SimpleType.STRING)
                .addVar("text", SimpleType.STRING)
                .addVar("text_length", SimpleType.INT)
                .addVar("attributes", MapType.create(SimpleType.STRING, SimpleType.STRING))
                .addVar("headers", MapType.create(SimpleType.STRING, SimpleType.STRING))
                .setResultType(SimpleType.BOOL);
        List<String> others = new ArrayList<>();
        for (String other : new TreeSet<>(tasks)) {
            if (!other.equals(task)) {
                // One variable per task, named with a dot: CEL resolves results.iab.x to variable results.iab, field x.
                compiler.addVar(RESULTS + other, SimpleType.DYN);
                others.add(other);
            }
        }
        CelValidationResult result = compiler.build().compile(expression);
        CelAbstractSyntaxTree ast;
        try {
            ast = result.getAst();
        } catch (CelValidationException e) {
            List<String> problems = new ArrayList<>();
            for (CelIssue issue : e.getErrors()) {
                problems.add("line " + issue.getSourceLocation().getLine() + ", column "
                        + (issue.getSourceLocation().getColumn() + 1) + ": " + issue.getMessage());
            }
            throw new IllegalArgumentException("task '" + task + "': when is not a valid condition ("
                    + String.join("; ", problems) + "); it may read id, text, text_length, attributes and headers"
                    + (others.isEmpty() ? "" : ", and results." + String.join(", results.", others))
                    + " and must be true or false", e);
        }
        Set<String> reads = new TreeSet<>();
        for (CelReference ref : ast.getReferenceMap().values()) {
            if (ref.name().startsWith(RESULTS) && others.contains(ref.name().substring(RESULTS.length()))) {
                reads.add(ref.name().substring(RESULTS.length()));
            }
        }
        try {
            return new TaskCondition(task, expression, RUNTIME.createProgram(ast), reads);
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException("task '" + task + "': when cannot be planned: " + e.getMessage(), e);
        }
    }

    /** The other tasks whose results the condition reads: it is decided only once they ended. */
    public Set<String> dependencies() {
        return dependencies;
    }

    /** The condition as configured. */
    public String expression() {
        return expression;
    }

    /**
     * Whether the task runs on {@code event}.
     *
     * @throws ConditionFailedException naming the task when the expression fails on this event
     */
    public boolean test(Event event) {
        Map<String, Object> vars = new HashMap<>();
        vars.put("id", event.id() == null ? "" : event.id());
        vars.put("text", event.text());
        vars.put("text_length", (long) event.text().codePointCount(0, event.text().length()));
        vars.put("attributes", event.attributes());
        vars.put("headers", event.headers());
        for (String d : dependencies) {
            vars.put(RESULTS + d, celValue(event.results().get(d)));
        }
        try {
            return Boolean.TRUE.equals(program.eval(vars));
        } catch (CelEvaluationException e) {
            throw new ConditionFailedException("task '" + task + "': its condition (when: " + expression
                    + ") failed on this event: " + e.getMessage() + " (use has(attributes.x) for an attribute an"
                    + " event may lack)", e);
        }
    }

    /**
     * A result's Avro form as CEL values: records as maps by field name, {@code int} and {@code long} as CEL's int,
     * {@code float} and {@code double} as its double, strings and enum symbols as strings, null as CEL's null.
     */
    static Object celValue(Object avro) {
        if (avro == null) {
            return NullValue.NULL_VALUE;
        }
        if (avro instanceof IndexedRecord r) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Schema.Field f : r.getSchema().getFields()) {
                out.put(f.name(), celValue(r.get(f.pos())));
            }
            return out;
        }
        if (avro instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), celValue(v)));
            return out;
        }
        if (avro instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>(c.size());
            for (Object v : c) {
                out.add(celValue(v));
            }
            return out;
        }
        if (avro instanceof Integer i) {
            return i.longValue();
        }
        if (avro instanceof Float f) {
            return f.doubleValue();
        }
        if (avro instanceof CharSequence || avro instanceof GenericEnumSymbol<?> || avro instanceof Enum<?>) {
            return avro.toString();
        }
        return avro; // Long, Double, Boolean
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskCondition c && c.task.equals(task) && c.expression.equals(expression);
    }

    @Override
    public int hashCode() {
        return Objects.hash(task, expression);
    }

    @Override
    public String toString() {
        return "when[" + task + ": " + expression + "]";
    }
}
