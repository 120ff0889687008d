package dev.enricher.tasks;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A task's {@code when:} condition: an expression of the Common Expression Language (CEL, {@code dev.cel:cel}, the
 * language Kubernetes and Envoy use for such rules) over the event, compiled and type-checked when the configuration
 * is read, evaluated per event. False: the task is skipped for that event (no call, no cost).
 *
 * <p>Variables: {@code id} (string, empty when the event has none), {@code text} (string), {@code text_length}
 * (int, in code points, as the models count), {@code attributes} and {@code headers} (map of string to string; a
 * header's value as UTF-8 text). Examples: {@code attributes.category == 'news'}, {@code text_length > 2000},
 * {@code has(attributes.lang) && attributes.lang in ['en', 'de']}, {@code headers['source'] == 'crm'}.
 *
 * <p>A condition that does not parse, names anything else, or is not of type {@code bool} is refused with the task's
 * name and the line and column. One that fails on an event (a map key it reads without {@code has()}) fails with
 * {@link ConditionFailedException}, naming the task and the reason.
 *
 * <p>Immutable and thread-safe (CEL's programs are).
 */
public final class TaskCondition {
    /** Compiles every condition: the variables and their types are the same for all tasks. */
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists(), map(), filter()
            .addVar("id", SimpleType.STRING)
            .addVar("text", SimpleType.STRING)
            .addVar("text_length", SimpleType.INT)
            .addVar("attributes", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .addVar("headers", MapType.create(SimpleType.STRING, SimpleType.STRING))
            .setResultType(SimpleType.BOOL)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private final String task;
    private final String expression;
    private final CelRuntime.Program program;

    private TaskCondition(String task, String expression, CelRuntime.Program program) {
        this.task = task;
        this.expression = expression;
        this.program = program;
    }

    /** Thrown when a condition cannot be evaluated on an event: the event becomes a dead letter naming why. */
    public static final class ConditionFailedException extends RuntimeException {
        ConditionFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What a condition reads of one event. */
    public record Event(String id, String text, Map<String, String> attributes, Map<String, String> headers) {
        public Event {
            Objects.requireNonNull(text, "text");
            attributes = attributes == null ? Map.of() : attributes;
            headers = headers == null ? Map.of() : headers;
        }
    }

    /**
     * Compiles task {@code task}'s condition.
     *
     * @throws IllegalArgumentException naming the task, and for each problem its line, column and CEL's words
     */
    public static TaskCondition compile(String task, String expression) {
        if (expression == null || expression.isBlank()) {
            throw new IllegalArgumentException("task '" + task + "': when must be a non-empty expression, e.g. "
                    + "\"attributes.category == 'news'\" or \"text_length > 2000\"");
        }
        CelValidationResult result = COMPILER.compile(expression);
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
                    + " and must be true or false", e);
        }
        try {
            return new TaskCondition(task, expression, RUNTIME.createProgram(ast));
        } catch (CelEvaluationException e) {
            throw new IllegalArgumentException("task '" + task + "': when cannot be planned: " + e.getMessage(), e);
        }
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
        try {
            return Boolean.TRUE.equals(program.eval(vars));
        } catch (CelEvaluationException e) {
            throw new ConditionFailedException("task '" + task + "': its condition (when: " + expression
                    + ") failed on this event: " + e.getMessage() + " (use has(attributes.x) for an attribute an"
                    + " event may lack)", e);
        }
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
