package dev.enricher.tasks;

import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A prompt task's message rendered from the event with Mustache ({@code com.github.spullara.mustache.java}):
 * {@code {{text}}}, {@code {{id}}} and {@code {{attributes.x}}}, sections over them ({@code {{#id}}...{{/id}}}), and
 * nothing else: a template that does not parse, names anything else or includes a partial is refused when the
 * configuration is read, naming the task and the position. Values are inserted as they are (no HTML escaping: the
 * reader is a model, not a browser). A placeholder an event lacks renders empty, unless the task lists it as
 * required; then rendering fails with {@link MissingPlaceholderException}, naming it.
 *
 * <p>Immutable and thread-safe once compiled (Mustache's compiled templates are).
 */
public final class PromptTemplate {
    private static final String ATTRIBUTES = "attributes.";

    private final String task;
    private final String template;
    private final Mustache mustache;
    private final Set<String> placeholders;
    private final List<String> required;

    private PromptTemplate(String task, String template, Mustache mustache, Set<String> placeholders,
                           List<String> required) {
        this.task = task;
        this.template = template;
        this.mustache = mustache;
        this.placeholders = placeholders;
        this.required = required;
    }

    /** Thrown when an event lacks a placeholder its task requires: the event becomes a dead letter naming it. */
    public static final class MissingPlaceholderException extends IllegalArgumentException {
        MissingPlaceholderException(String message) {
            super(message);
        }
    }

    /**
     * Compiles a template of task {@code task}'s option {@code key}.
     *
     * @param required placeholders an event must have (each one the template or another of the task's templates
     *                 names, e.g. {@code attributes.lang})
     * @throws IllegalArgumentException naming the task, the option and the line and column of what is wrong
     */
    public static PromptTemplate compile(String task, String key, String template, List<String> required) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("task '" + task + "': " + key + " must not be blank");
        }
        DefaultMustacheFactory factory = new DefaultMustacheFactory() {
            @Override
            public void encode(String value, Writer writer) {
                try {
                    writer.write(value); // a prompt, not HTML: insert values as they are
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        java.util.regex.Matcher partial = java.util.regex.Pattern.compile("\\{\\{\\s*>\\s*([^}\\s]*)").matcher(template);
        if (partial.find()) {
            // Mustache would look the partial up as a file while compiling: refuse it first, with its position.
            throw new IllegalArgumentException("task '" + task + "': " + key + " includes a partial ({{> "
                    + partial.group(1) + "}}) at " + position(template, partial.start())
                    + "; a template may name only text, id and attributes.<name>");
        }
        Mustache mustache;
        try {
            mustache = factory.compile(new StringReader(template), task + "." + key);
        } catch (MustacheException e) {
            throw new IllegalArgumentException("task '" + task + "': " + key + " is not a valid Mustache template: "
                    + e.getMessage(), e);
        }
        Set<String> names = new LinkedHashSet<>();
        check(task, key, template, mustache.getCodes(), names);
        for (String r : required == null ? List.<String>of() : required) {
            if (!allowed(r)) {
                throw new IllegalArgumentException("task '" + task + "': required names '" + r + "', which is not "
                        + "text, id or attributes.<name>");
            }
        }
        return new PromptTemplate(task, template, mustache, Set.copyOf(names),
                required == null ? List.of() : List.copyOf(required));
    }

    private static void check(String task, String key, String template, Code[] codes, Set<String> names) {
        if (codes == null) {
            return;
        }
        for (Code c : codes) {
            String name = c.getName();
            if (name != null && !name.isEmpty()) {
                if (!allowed(name)) {
                    throw new IllegalArgumentException("task '" + task + "': " + key + " names {{" + name + "}} at "
                            + position(template, name) + "; a template may name only {{text}}, {{id}} and "
                            + "{{attributes.<name>}}");
                }
                names.add(name);
            }
            check(task, key, template, c.getCodes(), names);
        }
    }

    private static boolean allowed(String name) {
        return name.equals("text") || name.equals("id")
                || name.startsWith(ATTRIBUTES) && name.length() > ATTRIBUTES.length()
                && name.indexOf('.', ATTRIBUTES.length()) < 0;
    }

    /** Line and column (from 1) of the first tag naming {@code name}. */
    private static String position(String template, String name) {
        int at = -1;
        for (int from = template.indexOf("{{"); from >= 0; from = template.indexOf("{{", from + 2)) {
            int close = template.indexOf("}}", from);
            if (close > from && template.substring(from + 2, close).replaceAll("^[#^/>&{!\\s]+|[}\\s]+$", "")
                    .equals(name)) {
                at = from;
                break;
            }
        }
        return at < 0 ? "an unknown position" : position(template, at);
    }

    private static String position(String template, int at) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (template.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return "line " + line + ", column " + (at - lineStart + 1);
    }

    /** The names the template uses ({@code text}, {@code id}, {@code attributes.x}). */
    public Set<String> placeholders() {
        return placeholders;
    }

    /**
     * The message for one event.
     *
     * @throws MissingPlaceholderException when the event lacks a required placeholder (a record fault: dead letter)
     */
    public String render(TaskInput in) {
        for (String r : required) {
            String v = value(in, r);
            if (v == null || v.isEmpty()) {
                throw new MissingPlaceholderException("task '" + task + "' requires " + r + ", which this event "
                        + (r.startsWith(ATTRIBUTES) ? "does not carry in its attributes" : "does not have"));
            }
        }
        Map<String, Object> scope = new HashMap<>();
        scope.put("text", in.text());
        if (in.id() != null) {
            scope.put("id", in.id());
        }
        scope.put("attributes", in.attributes());
        StringWriter out = new StringWriter(template.length() + in.text().length());
        mustache.execute(out, scope);
        return out.toString();
    }

    private static String value(TaskInput in, String name) {
        if (name.equals("text")) {
            return in.text();
        }
        if (name.equals("id")) {
            return in.id();
        }
        return in.attributes().get(name.substring(ATTRIBUTES.length()));
    }

    @Override
    public String toString() {
        return "PromptTemplate[" + task + ": " + placeholders + "]";
    }
}
