package dev.enricher.topology;

import dev.enricher.engine.BudgetSettings;
import dev.enricher.engine.EngineConfig;
import dev.enricher.results.CallResultSettings;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.decode.DecoderConfig;
import dev.enricher.serde.decode.InputFormat;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.client.ModelCatalog;
import dev.enricher.tasks.LongInput;
import dev.enricher.tasks.TaskCondition;
import dev.enricher.tasks.TaskGraph;
import dev.enricher.tasks.TaskType;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything one pipeline needs: where it reads and writes, which tasks it runs, how the engine behaves and the
 * Kafka Streams settings. Validated when built.
 *
 * @param applicationId    Kafka Streams {@code application.id}: the consumer group and the prefix of internal topics
 * @param bootstrapServers Kafka bootstrap servers
 * @param inputTopic       the raw topic
 * @param enrichedTopic    where enriched events go (same key as the input)
 * @param deadLetterTopic  where dead letters go (same key as the input)
 * @param tasks            the tasks run on every event, in order; names unique; at least one
 * @param conditions       the conditions of the tasks that have one, by task name (a task without one runs on every
 *                         event); empty for none
 * @param inputs           the inputs of the tasks that read another task's result, by task name, each
 *                         {@code <task>.<field>} (see {@link TaskGraph}); a task absent reads the event's text
 * @param privacy          what is kept out of the outputs; {@link Privacy#NONE} for nothing
 * @param longInputs       what each task does with an input over its limit, with the limit in tokens, by task name;
 *                         a task absent (or without a limit) sends every input whole
 * @param catalog          the models' input limits and prices (the built-in catalog unless configured)
 * @param callResults      durable call results: the topic answers are kept in and the local store's bounds
 * @param budget           what this instance may spend per UTC hour and day
 * @param decoder          how input values are decoded
 * @param engine           the async engine's settings
 * @param guarantee        at-least-once or exactly-once
 * @param streamThreads    Kafka Streams {@code num.stream.threads}
 * @param stateDir         Kafka Streams {@code state.dir}; null for its default
 * @param serde            how the Avro output finds its schema ids
 * @param streamsOverrides any further Kafka Streams, consumer or producer properties, applied last
 */
public record PipelineSettings(String applicationId, String bootstrapServers, String inputTopic, String enrichedTopic,
                               String deadLetterTopic, List<EnrichmentTask> tasks,
                               Map<String, TaskCondition> conditions, Map<String, String> inputs, Privacy privacy,
                               Map<String, LongInput> longInputs, ModelCatalog catalog,
                               CallResultSettings callResults,
                               BudgetSettings budget, DecoderConfig decoder,
                               EngineConfig engine, ProcessingGuarantee guarantee, int streamThreads, Path stateDir,
                               AvroSerdeConfig serde, Map<String, Object> streamsOverrides) {

    public PipelineSettings {
        requireText("application id", applicationId);
        requireText("bootstrap servers", bootstrapServers);
        requireText("input topic", inputTopic);
        requireText("enriched topic", enrichedTopic);
        requireText("dead-letter topic", deadLetterTopic);
        if (new HashSet<>(List.of(inputTopic, enrichedTopic, deadLetterTopic)).size() != 3) {
            throw new IllegalArgumentException("input, enriched and dead-letter topics must differ, were " + inputTopic
                    + ", " + enrichedTopic + ", " + deadLetterTopic);
        }
        Objects.requireNonNull(tasks, "tasks");
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("a pipeline needs at least one task");
        }
        Set<String> names = new HashSet<>();
        for (EnrichmentTask t : tasks) {
            if (!names.add(t.name())) {
                throw new IllegalArgumentException("task name '" + t.name() + "' is used twice; task names must be unique");
            }
        }
        tasks = List.copyOf(tasks);
        conditions = conditions == null ? Map.of() : Map.copyOf(conditions);
        for (String name : conditions.keySet()) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("a condition is given for task '" + name + "', which is not "
                        + "configured; tasks: " + names);
            }
        }
        inputs = inputs == null ? Map.of() : Map.copyOf(inputs);
        privacy = privacy == null ? Privacy.NONE : privacy;
        longInputs = longInputs == null ? Map.of() : Map.copyOf(longInputs);
        catalog = catalog == null ? ModelCatalog.defaults() : catalog;
        callResults = callResults == null ? CallResultSettings.disabled() : callResults;
        budget = budget == null ? BudgetSettings.NONE : budget;
        if (callResults.enabled() && List.of(inputTopic, enrichedTopic, deadLetterTopic).contains(callResults.topic())) {
            throw new IllegalArgumentException("the call-results topic must be a topic of its own, was "
                    + callResults.topic());
        }
        for (String name : longInputs.keySet()) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException("long-input handling is given for task '" + name + "', which is "
                        + "not configured; tasks: " + names);
            }
        }
        graph(tasks, conditions, inputs, privacy); // refuses what does not hold together, naming the tasks
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(guarantee, "guarantee");
        if (streamThreads < 1) {
            throw new IllegalArgumentException("stream threads must be >= 1, was " + streamThreads);
        }
        Objects.requireNonNull(serde, "serde");
        streamsOverrides = streamsOverrides == null ? Map.of() : Map.copyOf(streamsOverrides);
    }

    /**
     * Each task's long-input handling with its limit: {@link #longInputs()}, and for a task absent there its type's
     * default with its model's input limit from the model catalog (none for a model the catalog does not know).
     */
    public Map<String, LongInput> effectiveLongInputs() {
        Map<String, LongInput> out = new LinkedHashMap<>();
        for (EnrichmentTask t : tasks) {
            LongInput l = longInputs.get(t.name());
            if (l == null) {
                Integer limit = catalog.find(t.model()).map(dev.enricher.client.ModelSpec::inputLimitTokens)
                        .orElse(null);
                l = limit == null ? null : new LongInput(TaskType.of(t).defaultOnLongInput(), limit);
            }
            if (l != null) {
                out.put(t.name(), l);
            }
        }
        return out;
    }

    /** How the tasks depend on each other per event: their inputs (with the privacy option's) and conditions. */
    public TaskGraph graph() {
        return graph(tasks, conditions, inputs, privacy);
    }

    /**
     * The inputs in effect: the configured ones, and with {@link Privacy#redactWith} every other task that would
     * read the event's text reads the redacting task's {@code redacted_text}.
     */
    public Map<String, String> effectiveInputs() {
        return effectiveInputs(tasks, inputs, privacy);
    }

    private static Map<String, String> effectiveInputs(List<EnrichmentTask> tasks, Map<String, String> inputs,
                                                       Privacy privacy) {
        if (!privacy.redacts()) {
            return inputs;
        }
        Map<String, String> out = new LinkedHashMap<>(inputs);
        for (EnrichmentTask t : tasks) {
            if (!t.name().equals(privacy.redactWith())) {
                out.putIfAbsent(t.name(), privacy.redactWith() + ".redacted_text");
            }
        }
        return out;
    }

    private static TaskGraph graph(List<EnrichmentTask> tasks, Map<String, TaskCondition> conditions,
                                   Map<String, String> inputs, Privacy privacy) {
        if (privacy.redacts()) {
            EnrichmentTask redactor = tasks.stream().filter(t -> t.name().equals(privacy.redactWith())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("privacy.redact-with names task '"
                            + privacy.redactWith() + "', which is not configured; tasks: "
                            + tasks.stream().map(EnrichmentTask::name).toList()));
            if (!TaskType.of(redactor).redacts(redactor)) {
                throw new IllegalArgumentException("privacy.redact-with names task '" + redactor.name() + "', which "
                        + "does not redact: it must be of type pii with options.usecase: redact");
            }
            if (conditions.containsKey(redactor.name()) || inputs.containsKey(redactor.name())) {
                throw new IllegalArgumentException("task '" + redactor.name() + "' redacts for privacy.redact-with, "
                        + "so it must run on every event's own text: remove its " + (conditions.containsKey(
                        redactor.name()) ? "when:" : "input:"));
            }
        }
        return TaskGraph.of(tasks, effectiveInputs(tasks, inputs, privacy), conditions);
    }

    /** As a record's, but a secret Kafka property (a password, a private key, a JAAS line) shows as {@code ****}. */
    @Override
    public String toString() {
        return "PipelineSettings[applicationId=" + applicationId + ", bootstrapServers=" + bootstrapServers
                + ", inputTopic=" + inputTopic + ", enrichedTopic=" + enrichedTopic + ", deadLetterTopic="
                + deadLetterTopic + ", tasks=" + tasks + ", inputs=" + inputs + ", privacy=" + privacy + ", callResults=" + callResults + ", budget=" + budget + ", decoder=" + decoder + ", engine=" + engine + ", guarantee="
                + guarantee + ", streamThreads=" + streamThreads + ", stateDir=" + stateDir + ", serde=" + serde
                + ", streamsOverrides=" + KafkaProperties.masked(streamsOverrides) + "]";
    }

    private static void requireText(String what, String v) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(what + " must be set");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.applicationId = applicationId;
        b.bootstrapServers = bootstrapServers;
        b.inputTopic = inputTopic;
        b.enrichedTopic = enrichedTopic;
        b.deadLetterTopic = deadLetterTopic;
        b.tasks = tasks;
        b.conditions = conditions;
        b.inputs = inputs;
        b.privacy = privacy;
        b.longInputs = longInputs;
        b.catalog = catalog;
        b.callResults = callResults;
        b.budget = budget;
        b.decoder = decoder;
        b.engine = engine;
        b.guarantee = guarantee;
        b.streamThreads = streamThreads;
        b.stateDir = stateDir;
        b.serde = serde;
        b.streamsOverrides = new LinkedHashMap<>(streamsOverrides);
        return b;
    }

    /** Defaults: JSON input at {@code /text}, default engine, exactly-once, one stream thread. */
    public static final class Builder {
        private String applicationId = "stream-enricher";
        private String bootstrapServers;
        private String inputTopic = "raw-events";
        private String enrichedTopic = "enriched-events";
        private String deadLetterTopic = "enricher-dead-letters";
        private List<EnrichmentTask> tasks = List.of();
        private Map<String, TaskCondition> conditions = Map.of();
        private Map<String, String> inputs = Map.of();
        private Privacy privacy = Privacy.NONE;
        private Map<String, LongInput> longInputs = Map.of();
        private ModelCatalog catalog = ModelCatalog.defaults();
        private CallResultSettings callResults = CallResultSettings.disabled();
        private BudgetSettings budget = BudgetSettings.NONE;
        private DecoderConfig decoder = DecoderConfig.defaults(InputFormat.JSON);
        private EngineConfig engine = EngineConfig.defaults();
        private ProcessingGuarantee guarantee = ProcessingGuarantee.EXACTLY_ONCE_V2;
        private int streamThreads = 1;
        private Path stateDir;
        private AvroSerdeConfig serde = AvroSerdeConfig.defaults();
        private Map<String, Object> streamsOverrides = new LinkedHashMap<>();

        public Builder applicationId(String v) { applicationId = v; return this; }
        public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
        public Builder inputTopic(String v) { inputTopic = v; return this; }
        public Builder enrichedTopic(String v) { enrichedTopic = v; return this; }
        public Builder deadLetterTopic(String v) { deadLetterTopic = v; return this; }
        public Builder tasks(List<EnrichmentTask> v) { tasks = v; return this; }
        /** The tasks' conditions by task name (see {@link PipelineSettings#conditions()}). */
        public Builder conditions(Map<String, TaskCondition> v) { conditions = v; return this; }
        /** The tasks' inputs by task name (see {@link PipelineSettings#inputs()}). */
        public Builder inputs(Map<String, String> v) { inputs = v; return this; }
        public Builder privacy(Privacy v) { privacy = v; return this; }
        /** Each task's long-input handling with its limit (see {@link PipelineSettings#longInputs()}). */
        public Builder longInputs(Map<String, LongInput> v) { longInputs = v; return this; }
        /** The models' input limits and prices (see {@link PipelineSettings#catalog()}). */
        public Builder catalog(ModelCatalog v) { catalog = v; return this; }
        /**
         * Durable call results (see {@link PipelineSettings#callResults()}); off unless set here (the configuration's
         * {@code cache.enabled} is on by default).
         */
        public Builder callResults(CallResultSettings v) { callResults = v; return this; }
        /** What this instance may spend (see {@link PipelineSettings#budget()}). */
        public Builder budget(BudgetSettings v) { budget = v; return this; }
        public Builder decoder(DecoderConfig v) { decoder = v; return this; }
        public Builder engine(EngineConfig v) { engine = v; return this; }
        public Builder guarantee(ProcessingGuarantee v) { guarantee = v; return this; }
        public Builder streamThreads(int v) { streamThreads = v; return this; }
        public Builder stateDir(Path v) { stateDir = v; return this; }
        public Builder serde(AvroSerdeConfig v) { serde = v; return this; }
        /** Adds one Kafka Streams (or consumer/producer) property, applied after everything else. */
        public Builder streamsProperty(String key, Object value) { streamsOverrides.put(key, value); return this; }

        public PipelineSettings build() {
            return new PipelineSettings(applicationId, bootstrapServers, inputTopic, enrichedTopic, deadLetterTopic,
                    tasks, conditions, inputs, privacy, longInputs, catalog, callResults, budget, decoder, engine, guarantee, streamThreads, stateDir, serde, streamsOverrides);
        }
    }
}
