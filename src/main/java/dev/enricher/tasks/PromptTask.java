package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.Choice;
import dev.enricher.client.ModelCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * A prompt of the user's own for a chat model ({@code llama-3.1-8b-instruct-fast} by default, the LFM models, or any
 * model of an OpenAI-compatible endpoint), with a typed answer: the system message and the user message rendered
 * from the event ({@link PromptTemplate}: {@code {{text}}}, {@code {{id}}}, {@code {{attributes.x}}}), and either a
 * text answer ({@code output: text}, a {@link TextResult}) or a JSON answer that follows a JSON Schema
 * ({@code output: {json-schema: ...}}): extracted from code fences and prose, validated
 * ({@link StructuredOutput}), and published as an Avro record generated from the schema, the task's field in the
 * enriched record's {@code results}.
 *
 * <p>The JSON Schema goes to the model in the system message (after the words {@code JSON Schema:}), or, with
 * {@code response_format: true}, in the request's OpenAI-style {@code response_format} for endpoints that support
 * it (ZeroGPU does not document it, so it is off by default). An answer that fails validation is sent back with the
 * validator's words ({@link #request(TaskInput, List)}) up to {@code repairs} times (default 1) before the task
 * fails; every answer is accounted for. With {@code fallback_model}, a task whose model fails for good (retries
 * exhausted, or the model unknown to the API) is tried once on that model.
 *
 * <p>Immutable and thread-safe; equal when name and configuration are.
 */
public final class PromptTask implements EnrichmentTask {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Words after which the simulator and the docs expect the schema in the system message. */
    static final String SCHEMA_MARKER = "JSON Schema:";

    /**
     * A prompt task's configuration, everything but its name: what its fingerprint is computed over.
     *
     * @param model          the model id
     * @param system         the system message template; null for none
     * @param template       the user message template, never blank
     * @param required       placeholders an event must have, else it is dead-lettered naming them
     * @param jsonSchema     the JSON Schema of the answer; null for a text answer
     * @param repairs        how many times an invalid answer is sent back for repair (0..3)
     * @param responseFormat whether the schema goes in {@code response_format} instead of the system message
     * @param fallbackModel  the model tried once when {@code model} fails for good; null for none
     * @param maxTokens      output token limit; null for the server's default
     * @param temperature    sampling temperature (0..2); null for the server's default
     */
    public record Config(String model, String system, String template, List<String> required,
                         Map<String, Object> jsonSchema, int repairs, boolean responseFormat, String fallbackModel,
                         Integer maxTokens, Double temperature) {
        public Config {
            required = required == null ? List.of() : List.copyOf(required);
            if (repairs < 0 || repairs > 3) {
                throw new IllegalArgumentException("repairs must be between 0 and 3, was " + repairs);
            }
        }
    }

    private final String name;
    private final Config config;
    private final PromptTemplate system;
    private final PromptTemplate user;
    private final StructuredOutput output;
    /** The system message's schema instruction (null without a schema or with response_format). */
    private final String schemaInstruction;

    /**
     * @throws IllegalArgumentException naming the task and what is wrong: a template that does not parse or names
     *                                  anything but text, id and attributes (with its position), a JSON Schema this
     *                                  project cannot type in Avro (with the schema path), a bad number
     */
    public PromptTask(String name, Config config) {
        this.name = TaskType.PROMPT.nameOrDefault(name);
        Objects.requireNonNull(config, "config");
        String model = TaskType.PROMPT.modelOrDefault(config.model());
        if (config.template() == null || config.template().isBlank()) {
            throw new IllegalArgumentException("task '" + this.name + "': option 'template' is required: the user"
                    + " message, e.g. 'Classify the sentiment of: {{text}}'");
        }
        if (config.system() != null && config.system().isBlank()) {
            throw new IllegalArgumentException("task '" + this.name + "': option 'system' must not be blank (leave it"
                    + " unset for none)");
        }
        if (config.maxTokens() != null && config.maxTokens() < 1) {
            throw new IllegalArgumentException("task '" + this.name + "': max_tokens must be > 0, was "
                    + config.maxTokens());
        }
        if (config.temperature() != null && !(config.temperature() >= 0 && config.temperature() <= 2)) {
            throw new IllegalArgumentException("task '" + this.name + "': temperature must be between 0 and 2, was "
                    + config.temperature());
        }
        if (config.fallbackModel() != null && (config.fallbackModel().isBlank()
                || config.fallbackModel().equals(model))) {
            throw new IllegalArgumentException("task '" + this.name + "': fallback_model must name another model"
                    + " than the task's own ('" + model + "'), was '" + config.fallbackModel() + "'");
        }
        if (config.jsonSchema() == null && config.responseFormat()) {
            throw new IllegalArgumentException("task '" + this.name + "': response_format needs output.json-schema"
                    + " (a text answer has no schema to send)");
        }
        this.config = new Config(model, config.system(), config.template(), config.required(), config.jsonSchema(),
                config.repairs(), config.responseFormat(), config.fallbackModel(), config.maxTokens(),
                config.temperature());
        List<String> required = this.config.required();
        this.user = PromptTemplate.compile(this.name, "template", config.template(), required);
        this.system = config.system() == null ? null
                : PromptTemplate.compile(this.name, "system", config.system(), List.of());
        this.output = config.jsonSchema() == null ? null : StructuredOutput.compile(this.name, config.jsonSchema());
        this.schemaInstruction = output == null || config.responseFormat() ? null
                : "Answer with one JSON object and nothing else. " + SCHEMA_MARKER + " " + output.jsonSchema();
        for (String r : required) {
            if (!user.placeholders().contains(r) && (system == null || !system.placeholders().contains(r))) {
                throw new IllegalArgumentException("task '" + this.name + "': required lists '" + r + "', which"
                        + " neither the template nor the system message uses");
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String model() {
        return config.model();
    }

    /** The configuration, without the name. */
    public Config config() {
        return config;
    }

    /** Whether the answer is JSON following a schema (else text). */
    public boolean structured() {
        return output != null;
    }

    /** The Avro schema of this task's results: the record generated from the JSON Schema, or {@code TextResult}. */
    public Schema resultSchema() {
        return output == null ? dev.enricher.avro.TextResult.getClassSchema() : output.avroSchema();
    }

    @Override
    public String fingerprint() {
        return TaskFingerprint.ofConfig(PromptTask.class, config);
    }

    @Override
    public int repairs() {
        return output == null ? 0 : config.repairs();
    }

    @Override
    public String fallbackModel() {
        return config.fallbackModel();
    }

    @Override
    public ChatRequest request(String text) {
        return request(TaskInput.of(text));
    }

    @Override
    public ChatRequest request(TaskInput input) {
        return request(input, List.of());
    }

    /**
     * The request, followed, when earlier answers were refused, by each refused answer (as the assistant's turn)
     * and what was wrong with it (as the user's): the model sees its mistake and the validator's words.
     */
    @Override
    public ChatRequest request(TaskInput input, List<RefusedAnswer> refused) {
        ChatRequest.Builder b = ChatRequest.builder(config.model());
        String sys = system == null ? null : system.render(input);
        if (schemaInstruction != null) {
            sys = sys == null ? schemaInstruction : sys + "\n\n" + schemaInstruction;
        }
        if (sys != null) {
            b.system(sys);
        }
        b.user(user.render(input));
        for (RefusedAnswer r : refused) {
            b.message(ChatMessage.assistant(r.content()));
            b.user("Your answer does not follow the JSON Schema: " + r.problem() + ". Answer again with only the"
                    + " corrected JSON object.");
        }
        if (config.responseFormat()) {
            Map<String, Object> jsonSchema = new LinkedHashMap<>();
            jsonSchema.put("name", name);
            jsonSchema.put("strict", true);
            jsonSchema.put("schema", config.jsonSchema());
            b.field("response_format", Map.of("type", "json_schema", "json_schema", jsonSchema));
        }
        if (config.maxTokens() != null) {
            b.field("max_tokens", config.maxTokens());
        }
        if (config.temperature() != null) {
            b.field("temperature", config.temperature());
        }
        return b.build();
    }

    @Override
    public TaskResult parse(ChatCompletion completion) {
        return ContentParser.text(completion, content -> {
            Choice choice = completion.choices().get(0);
            if (content.isBlank()) {
                throw new ContentShapeException("expected " + (output == null ? "text" : "a JSON object")
                        + ", found empty content" + ContentParser.finishNote(choice));
            }
            if (output == null) {
                return new TextResult(content.strip(), choice.finishReason(), choice.truncated());
            }
            JsonNode answer = StructuredOutput.extract(content);
            if (answer == null) {
                throw new ContentShapeException("expected a JSON object, found none in the answer"
                        + ContentParser.finishNote(choice));
            }
            List<String> problems = output.validate(answer);
            if (!problems.isEmpty()) {
                throw new ContentShapeException("the JSON answer does not follow the task's JSON Schema: "
                        + String.join("; ", problems));
            }
            return new StructuredResult(output.toAvro(answer));
        });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PromptTask p && p.name.equals(name) && p.config.equals(config);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, config);
    }

    @Override
    public String toString() {
        return "PromptTask[" + name + ", " + config.model() + ", " + (output == null ? "text" : output) + "]";
    }

    /** A prompt task's JSON answer as the Avro record of its schema: immutable once built (never changed here). */
    public record StructuredResult(GenericRecord record) implements TaskResult {
        public StructuredResult {
            Objects.requireNonNull(record, "record");
        }
    }

    /**
     * The {@link TaskType#PROMPT} type. Options: {@code template} (required), {@code system}, {@code required} (list),
     * {@code output} ({@code text}, the default, or {@code {json-schema: {...}}}), {@code repairs} (0..3, default 1),
     * {@code response_format} (boolean), {@code fallback_model}, {@code max_tokens}, {@code temperature}; a key may
     * be written with {@code -} for {@code _} ({@code fallback-model}).
     */
    static final class Definition extends TypeDefinition<PromptTask, TaskResult> {
        Definition() {
            super(PromptTask.class, "prompt", ModelCatalog.LLAMA, List.of("template", "system", "required", "output",
                    "repairs", "response_format", "fallback_model", "max_tokens", "temperature"),
                    TaskResult.class, null);
        }

        @Override
        PromptTask create(String name, String model, TaskOptions o) {
            Integer repairs = o.wholeNumber("repairs", 0, 3);
            return new PromptTask(name, new Config(model, o.string("system"), o.string("template"),
                    o.stringList("required", false, "placeholders"), jsonSchema(o), repairs == null ? 1 : repairs,
                    Boolean.TRUE.equals(o.bool("response_format")), o.string("fallback_model"),
                    o.positiveInt("max_tokens"), o.number("temperature", 0, 2, null)));
        }

        /** {@code output}: {@code text} (or unset) for a text answer, or a map with one key {@code json-schema}. */
        @SuppressWarnings("unchecked")
        private static Map<String, Object> jsonSchema(TaskOptions o) {
            Object output = o.raw("output");
            if (output == null || "text".equals(output)) {
                return null;
            }
            if (output instanceof Map<?, ?> m && m.size() == 1) {
                Object schema = m.containsKey("json-schema") ? m.get("json-schema") : m.get("json_schema");
                if (schema instanceof Map<?, ?> map) {
                    return (Map<String, Object>) map;
                }
            }
            throw o.invalidOption("output", "must be 'text' or a map with one key 'json-schema' holding a JSON Schema"
                    + " object (type: object, properties: ...)", output);
        }

        @Override
        Schema resultSchema(PromptTask task) {
            return task.resultSchema();
        }

        @Override
        Object toAvro(TaskResult r) {
            if (r instanceof StructuredResult s) {
                return s.record();
            }
            if (r instanceof TextResult t) {
                return new dev.enricher.avro.TextResult(t.text(), t.finishReason(), t.truncated());
            }
            throw new IllegalArgumentException("expected a prompt task's result, was a " + r.getClass().getName());
        }
    }

    /** Parses a JSON Schema given as text (for tests and tools). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> schema(String json) {
        try {
            return JSON.readValue(json, Map.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }
}
