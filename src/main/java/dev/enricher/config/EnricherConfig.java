package dev.enricher.config;

import static dev.enricher.config.ConfigKeys.*;

import dev.enricher.client.ApiKey;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.RetryPolicy;
import dev.enricher.engine.EngineConfig;
import dev.enricher.engine.Ordering;
import dev.enricher.engine.TaskFailurePolicy;
import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.RegistryConfig;
import dev.enricher.serde.SubjectNameStrategy;
import dev.enricher.serde.decode.DecoderConfig;
import dev.enricher.serde.decode.InputFormat;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.topology.KafkaProperties;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.ProcessingGuarantee;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The service's one typed configuration: a YAML file, with {@code ${ENV_VAR}} substitution, every key overridable by
 * an environment variable ({@link ConfigKey#envVar()}), Kafka properties passed through under {@code streams:}, and
 * the task list under {@code tasks:}. {@link #load} validates everything and reports every problem at once.
 *
 * <p>Immutable once loaded. Secrets are kept out of {@link #toString()}, {@link #describe()} and every message.
 */
public final class EnricherConfig {
    private final ConfigValues values;
    private final Map<String, String> streams;
    private final List<TaskSpec> tasks;
    private final ApiKey apiKey;
    private final String source;
    /** The model catalog in effect ({@link #catalog()}). */
    private final dev.enricher.client.ModelCatalog catalog;

    private EnricherConfig(ConfigValues values, Map<String, String> streams, List<TaskSpec> tasks, ApiKey apiKey,
                           String source, dev.enricher.client.ModelCatalog catalog) {
        this.catalog = catalog;
        this.values = values;
        this.streams = streams;
        this.tasks = List.copyOf(tasks);
        this.apiKey = apiKey;
        this.source = source;
    }

    /** Loads and validates a file with the process environment. */
    public static EnricherConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * Loads and validates the service's file for an operator tool ({@code tail}, {@code replay-dlq}) that reaches the
     * service's Kafka cluster and Schema Registry: read, substituted, overridden and checked exactly as for the
     * service, except that no API key is needed (the tools never call the API; {@link #client()} then fails).
     *
     * @throws ConfigException listing every problem, when the file is missing, unreadable or invalid
     */
    public static EnricherConfig loadForTools(Path file, Map<String, String> env) {
        return load(file, env, false);
    }

    /**
     * Loads and validates a file.
     *
     * @throws ConfigException listing every problem, when the file is missing, unreadable or invalid
     */
    public static EnricherConfig load(Path file, Map<String, String> env) {
        return load(file, env, true);
    }

    private static EnricherConfig load(Path file, Map<String, String> env, boolean needsApiKey) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigException.Problem("file",
                    "does not exist; give the path of an enricher.yaml (see README, Configuration)")));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(new ConfigException.Problem("file",
                    "cannot be read: " + e.getMessage())));
        }
        return parse(text, env, file.toString(), needsApiKey);
    }

    /**
     * Parses and validates configuration text: substitution, then the file's keys, the environment's overrides, each
     * key typed, the tasks, the API key, and (when all that is valid) the checks across keys.
     *
     * @param env    the environment variables to substitute and override with; never null
     * @param source where the text comes from, for messages
     * @throws ConfigException listing every problem found
     */
    public static EnricherConfig parse(String yamlText, Map<String, String> env, String source) {
        return parse(yamlText, env, source, true);
    }

    private static EnricherConfig parse(String yamlText, Map<String, String> env, String source,
                                        boolean needsApiKey) {
        Objects.requireNonNull(env, "env");
        List<ConfigException.Problem> problems = new ArrayList<>();
        String text = EnvSubstitution.apply(yamlText, env, problems);
        RawConfig raw = EnvOverrides.apply(YamlConfigReader.read(text, source, problems), env, problems);
        ConfigValues values = ConfigValues.parse(raw.keys(), problems);
        List<TaskSpec> tasks = TaskListReader.read(raw.tasks(), problems);
        dev.enricher.client.ModelCatalog catalog = ModelListReader.read(raw.models(), problems);
        // A tool without the key has no API problem: what the lookup finds wrong is dropped with the key.
        ApiKey apiKey = ApiKeyLookup.find(values, env, needsApiKey ? problems : new ArrayList<>());
        EnricherConfig config = new EnricherConfig(values, raw.streams(), tasks, apiKey, source, catalog);
        if (problems.isEmpty()) {
            CrossChecks.check(config, problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return config;
    }

    <T> T get(ConfigKey<T> key) {
        return values.get(key);
    }

    /** False only for a configuration loaded {@link #loadForTools for a tool} without an API key. */
    boolean hasApiKey() {
        return apiKey != null;
    }

    // ---- typed views ---------------------------------------------------------------------------------------------

    /** The tasks, built anew on each call. */
    public List<EnrichmentTask> tasks() {
        List<EnrichmentTask> out = new ArrayList<>(tasks.size());
        for (TaskSpec s : tasks) {
            out.add(TaskFactory.create(s));
        }
        return out;
    }

    /** The tasks' conditions by task name; tasks without one run on every event and are absent. */
    public Map<String, dev.enricher.tasks.TaskCondition> conditions() {
        Map<String, dev.enricher.tasks.TaskCondition> out = new java.util.LinkedHashMap<>();
        List<String> names = tasks.stream().map(TaskSpec::effectiveName).toList();
        for (TaskSpec s : tasks) {
            if (s.when() != null) {
                out.put(s.effectiveName(), dev.enricher.tasks.TaskCondition.compile(s.effectiveName(), s.when(),
                        names));
            }
        }
        return out;
    }

    /** The inputs of the tasks that read another task's result ({@code input:}), by task name. */
    public Map<String, String> inputs() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (TaskSpec s : tasks) {
            if (s.input() != null) {
                out.put(s.effectiveName(), s.input());
            }
        }
        return out;
    }

    /**
     * What each task does with an input over its limit ({@code on-long-input}, {@code max-input-tokens}), by task
     * name, the limit resolved: the task's own, or its model's input limit from the model catalog; a task whose model
     * the catalog does not know and that sets no limit is absent (its inputs go whole).
     */
    public Map<String, dev.enricher.tasks.LongInput> longInputs() {
        Map<String, dev.enricher.tasks.LongInput> out = new java.util.LinkedHashMap<>();
        for (TaskSpec s : tasks) {
            dev.enricher.tasks.LongInput l = s.effectiveLongInput();
            Integer limit = l.maxInputTokens() != null ? l.maxInputTokens()
                    : catalog.find(s.effectiveModel()).map(dev.enricher.client.ModelSpec::inputLimitTokens).orElse(null);
            if (limit != null) {
                out.put(s.effectiveName(), new dev.enricher.tasks.LongInput(l.mode(), limit));
            }
        }
        return out;
    }

    /** The model catalog: the built-in one with the {@code models:} section over it (input limits and prices). */
    public dev.enricher.client.ModelCatalog catalog() {
        return catalog;
    }

    /** What stays out of the outputs ({@code privacy.*}). */
    public dev.enricher.topology.Privacy privacy() {
        return new dev.enricher.topology.Privacy(get(PRIVACY_REDACT_WITH), get(PRIVACY_DROP_ATTRIBUTES),
                get(PRIVACY_DEAD_LETTER_VALUE).equals("drop"), get(PRIVACY_ENTITY_HASH_KEY));
    }

    /**
     * The task graph: inputs, conditions and the privacy option's redaction, checked together.
     *
     * @throws IllegalArgumentException naming the tasks when they do not hold together
     */
    public dev.enricher.tasks.TaskGraph graph() {
        return PipelineSettings.builder().bootstrapServers("graph-check").tasks(tasks()).conditions(conditions())
                .inputs(inputs()).privacy(privacy()).build().graph();
    }

    /** What this instance may spend ({@code budget.*}). */
    public dev.enricher.engine.BudgetSettings budget() {
        return new dev.enricher.engine.BudgetSettings(get(BUDGET_PER_HOUR), get(BUDGET_PER_DAY));
    }

    /** Durable call results ({@code cache.*}). */
    public dev.enricher.results.CallResultSettings callResults() {
        if (!get(CACHE_ENABLED)) {
            return dev.enricher.results.CallResultSettings.disabled();
        }
        String topic = get(CACHE_TOPIC) == null ? get(APPLICATION_ID) + "-call-results" : get(CACHE_TOPIC);
        Integer rf = get(CACHE_REPLICATION);
        return new dev.enricher.results.CallResultSettings(true, topic, get(CACHE_PARTITIONS),
                rf == null ? (short) -1 : rf.shortValue(), get(CACHE_TTL), get(CACHE_MAX_MB) * 1024L * 1024L,
                get(CACHE_LOAD_TIMEOUT));
    }

    public EngineConfig engine() {
        RetryPolicy retry = new RetryPolicy(get(RETRY_MAX_ATTEMPTS), get(RETRY_INITIAL), get(RETRY_MAX_BACKOFF),
                get(RETRY_MAX_RETRY_AFTER), get(RETRY_MAX_ELAPSED));
        EngineConfig d = EngineConfig.defaults();
        return new EngineConfig(get(MAX_IN_FLIGHT), get(MAX_PENDING),
                get(ORDERING).equals("key") ? Ordering.KEY : Ordering.UNORDERED,
                get(ON_TASK_FAILURE).equals("dead-letter") ? TaskFailurePolicy.DEAD_LETTER
                        : TaskFailurePolicy.PUBLISH_PARTIAL,
                retry, get(MAX_ADMISSION_WAIT), d.drainInterval(), get(OUTAGE_FAILURES), get(OUTAGE_AFTER),
                get(PROBE_INTERVAL), get(PROBE_MAX_INTERVAL), d.clock());
    }

    public DecoderConfig decoder() {
        InputFormat format = InputFormat.parse(get(INPUT_FORMAT));
        return new DecoderConfig(format, get(TEXT_POINTER), get(ID_POINTER), get(TEXT_FIELD), get(ID_FIELD),
                get(MAX_BYTES));
    }

    /**
     * The API client's settings: the transport's, and the admission's adaptive and rate limits (the engine sets the
     * in-flight cap and retries itself).
     */
    public ClientConfig client() {
        ClientConfig.Builder b = ClientConfig.builder().baseUrl(get(API_BASE_URL)).apiKey(apiKey)
                .authHeader(get(AUTH_HEADER)).authScheme(get(AUTH_SCHEME)).connectTimeout(get(CONNECT_TIMEOUT))
                .requestTimeout(get(REQUEST_TIMEOUT)).maxInFlight(get(MAX_IN_FLIGHT))
                .requestsPerSecond(get(REQUESTS_PER_SECOND)).tokensPerMinute(get(TOKENS_PER_MINUTE))
                .adaptiveConcurrency(get(ADAPTIVE)).httpVersion(ClientConfig.HttpVersion.of(get(HTTP_VERSION)));
        if (get(PROJECT_ID) != null) {
            b.projectId(get(PROJECT_ID));
        }
        return b.build();
    }

    /** The {@code tracing.*} keys (the {@code OTEL_*} variables override them when tracing starts). */
    public dev.enricher.tracing.TracingSettings tracing() {
        return new dev.enricher.tracing.TracingSettings(get(TRACING_ENABLED), get(TRACING_ENDPOINT),
                get(TRACING_PROTOCOL), get(TRACING_SAMPLER), get(TRACING_RATIO), get(TRACING_SERVICE_NAME),
                get(TRACING_RESOURCE), get(TRACING_HEADERS));
    }

    /** True when {@code registry.url} is {@code memory}: an in-process registry for development. */
    public boolean inMemoryRegistry() {
        return "memory".equals(get(REGISTRY_URL));
    }

    /** The registry's settings; not for {@link #inMemoryRegistry()}. */
    public RegistryConfig registry() {
        RegistryConfig r = RegistryConfig.of(get(REGISTRY_URL)).withAutoRegister(get(AUTO_REGISTER));
        if (get(REGISTRY_USER) != null || get(REGISTRY_PASSWORD) != null) {
            r = r.withBasicAuth(get(REGISTRY_USER), get(REGISTRY_PASSWORD));
        }
        if (get(REGISTRY_TOKEN) != null) {
            r = r.withBearerToken(get(REGISTRY_TOKEN));
        }
        if (get(REGISTRY_TRUST_STORE) != null || get(REGISTRY_KEY_STORE) != null) {
            r = r.withTls(new RegistryConfig.Tls(get(REGISTRY_TRUST_STORE), get(REGISTRY_TRUST_PASSWORD), null,
                    get(REGISTRY_KEY_STORE), get(REGISTRY_KEY_PASSWORD), null));
        }
        return r;
    }

    public AvroSerdeConfig serde() {
        return new AvroSerdeConfig(SubjectNameStrategy.valueOf(get(SUBJECT_STRATEGY).toUpperCase(Locale.ROOT)),
                get(AUTO_REGISTER));
    }

    /** The pipeline's settings, tasks built. */
    public PipelineSettings pipeline() {
        PipelineSettings.Builder b = PipelineSettings.builder().applicationId(get(APPLICATION_ID))
                .bootstrapServers(get(BOOTSTRAP_SERVERS)).inputTopic(get(INPUT_TOPIC))
                .enrichedTopic(get(ENRICHED_TOPIC)).deadLetterTopic(get(DEAD_LETTER_TOPIC))
                .guarantee(ProcessingGuarantee.parse(get(GUARANTEE))).streamThreads(get(STREAM_THREADS))
                .stateDir(stateDir()).decoder(decoder()).engine(engine()).serde(serde())
                .tasks(tasks()).conditions(conditions()).inputs(inputs()).privacy(privacy()).longInputs(longInputs()).catalog(catalog)
                .callResults(callResults()).budget(budget());
        streams.forEach(b::streamsProperty);
        return b.build();
    }

    /**
     * What a plain Kafka consumer or producer of an operator tool needs to reach the service's cluster as the service
     * does: {@code bootstrap.servers} from {@code kafka.bootstrap-servers}, and the connection and security settings
     * among the {@code streams:} properties ({@code security.protocol}, {@code ssl.*}, {@code sasl.*} ...; see
     * {@link KafkaProperties#connection}). A mutable copy.
     */
    public Map<String, Object> kafkaClient(KafkaProperties.Client client) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", get(BOOTSTRAP_SERVERS));
        p.putAll(KafkaProperties.connection(streams, client));
        return p;
    }

    /**
     * {@code kafka.state-dir}; when absent, {@code ~/.stream-enricher/state} if the home directory can be written,
     * else null (Kafka Streams' default). Kafka Streams' own default lies in the OS temp directory, which the OS may
     * clear under a running service (it warns at every start about it): the pending store would then be rebuilt from
     * its changelog, slowly. Inside the image, home is the state volume.
     */
    public Path stateDir() {
        Path set = get(STATE_DIR);
        if (set != null) {
            return set;
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isBlank() || home.equals("?")) {
            return null;
        }
        Path dir = Path.of(home);
        return Files.isDirectory(dir) && Files.isWritable(dir) ? dir.resolve(".stream-enricher").resolve("state")
                : null;
    }

    /** Kafka properties passed through under {@code streams:} (and {@code ENRICHER_STREAMS_*}), in the order given. */
    public Map<String, String> streamsProperties() {
        return streams;
    }

    public String opsHost() {
        return get(OPS_HOST);
    }

    public int opsPort() {
        return get(OPS_PORT);
    }

    public boolean jsonLogs() {
        return get(LOG_FORMAT).equals("json");
    }

    /**
     * The effective configuration, one {@code key = value} per line, secrets as {@code ****}: the keys typed as
     * secret text, and every {@code streams.*} property Kafka types as a password or whose name says it is a secret
     * ({@link KafkaProperties#isSecret}).
     */
    public String describe() {
        StringBuilder s = new StringBuilder("# effective configuration from ").append(source).append('\n');
        for (ConfigKey<?> k : ConfigKeys.all()) {
            Object v = values.get(k);
            if (v != null) {
                s.append(k.name()).append(" = ").append(k.format(v)).append('\n');
            }
        }
        streams.forEach((k, v) -> s.append(RawConfig.STREAMS).append('.').append(k).append(" = ")
                .append(KafkaProperties.shown(k, v)).append('\n'));
        for (TaskSpec t : tasks) {
            s.append("task ").append(t.effectiveName()).append(" = ").append(t.type().name().toLowerCase(Locale.ROOT))
                    .append(t.model() == null ? "" : " model " + t.model()).append('\n');
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "EnricherConfig[" + source + "]";
    }

    /** The configuration reference as a Markdown table, generated from the key declarations. */
    public static String reference() {
        return ConfigReference.markdown();
    }
}
