package dev.enricher.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
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
import dev.enricher.tasks.TaskType;
import dev.enricher.topology.PipelineSettings;
import dev.enricher.topology.ProcessingGuarantee;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
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
 * <p>Immutable once loaded. Secrets are kept out of {@link #toString()} and of every message.
 */
public final class EnricherConfig {
    private static final List<ConfigKey<?>> KEYS = new ArrayList<>();

    public static final ConfigKey<String> BOOTSTRAP_SERVERS = required("kafka.bootstrap-servers", ConfigType.STRING,
            "Kafka bootstrap servers, host:port[,host:port...].");
    public static final ConfigKey<String> APPLICATION_ID = key("kafka.application-id", ConfigType.STRING,
            "stream-enricher", "Kafka Streams application.id: the consumer group and the prefix of internal topics. "
                    + "Instances with the same id share the work.");
    public static final ConfigKey<String> INPUT_TOPIC = key("kafka.input-topic", ConfigType.STRING, "raw-events",
            "The raw topic read.");
    public static final ConfigKey<String> ENRICHED_TOPIC = key("kafka.enriched-topic", ConfigType.STRING,
            "enriched-events", "Where enriched events are written (Avro EnrichedEvent, same key as the input).");
    public static final ConfigKey<String> DEAD_LETTER_TOPIC = key("kafka.dead-letter-topic", ConfigType.STRING,
            "enricher-dead-letters", "Where dead letters are written (Avro DeadLetter, same key as the input).");
    public static final ConfigKey<String> GUARANTEE = key("kafka.guarantee",
            ConfigType.oneOf("exactly_once_v2", "at_least_once"), "exactly_once_v2",
            "Processing guarantee: exactly_once_v2 (each input ends as exactly one output) or at_least_once.");
    public static final ConfigKey<Integer> STREAM_THREADS = key("kafka.stream-threads", ConfigType.intRange(1, 64), 1,
            "Kafka Streams threads per instance. One is usually enough: threads never wait on the API.");
    public static final ConfigKey<Path> STATE_DIR = key("kafka.state-dir", ConfigType.PATH, null,
            "Kafka Streams state directory (the pending store lives here); Kafka Streams' default when absent. "
                    + "Use a persistent volume in production.");

    public static final ConfigKey<String> INPUT_FORMAT = key("input.format", ConfigType.oneOf("json", "avro", "text"),
            "json", "How input values are decoded: json (text at a JSON Pointer), avro (Confluent wire format through "
                    + "the registry) or text (the whole value, UTF-8).");
    public static final ConfigKey<String> TEXT_POINTER = key("input.text-pointer", ConfigType.STRING,
            DecoderConfig.DEFAULT_TEXT_POINTER, "json: JSON Pointer of the text to enrich.");
    public static final ConfigKey<String> ID_POINTER = key("input.id-pointer", ConfigType.STRING,
            DecoderConfig.DEFAULT_ID_POINTER, "json: JSON Pointer of the event id (optional in events).");
    public static final ConfigKey<String> TEXT_FIELD = key("input.text-field", ConfigType.STRING,
            DecoderConfig.DEFAULT_TEXT_FIELD, "avro: the record field holding the text.");
    public static final ConfigKey<String> ID_FIELD = key("input.id-field", ConfigType.STRING,
            DecoderConfig.DEFAULT_ID_FIELD, "avro: the record field holding the event id (optional).");
    public static final ConfigKey<Integer> MAX_BYTES = key("input.max-bytes",
            ConfigType.intRange(1, DecoderConfig.MAX_MAX_BYTES), DecoderConfig.DEFAULT_MAX_BYTES,
            "Largest input value accepted; larger ones are dead-lettered as OVERSIZED.");

    public static final ConfigKey<URI> API_BASE_URL = key("api.base-url", ConfigType.URL,
            ClientConfig.DEFAULT_BASE_URL, "The ZeroGPU (or OpenAI-compatible) API base; /chat/completions is appended.");
    public static final ConfigKey<String> API_KEY = key("api.api-key", ConfigType.PASSWORD, null,
            "The API key. Give it as ${ZEROGPU_API_KEY}; when absent, ZEROGPU_API_KEY or api.api-key-file is used.");
    public static final ConfigKey<Path> API_KEY_FILE = key("api.api-key-file", ConfigType.PATH, null,
            "A file holding the API key (a mounted secret), used when api.api-key is absent.");
    public static final ConfigKey<String> PROJECT_ID = key("api.project-id", ConfigType.STRING, null,
            "Sent as x-project-id when set.");
    public static final ConfigKey<String> AUTH_HEADER = key("api.auth-header", ConfigType.STRING,
            ClientConfig.DEFAULT_AUTH_HEADER, "Header carrying the key (Authorization for OpenAI-compatible servers).");
    public static final ConfigKey<String> AUTH_SCHEME = key("api.auth-scheme", ConfigType.TEXT, "",
            "Prefix before the key in that header, e.g. Bearer; empty for none.");
    public static final ConfigKey<Duration> CONNECT_TIMEOUT = key("api.connect-timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(10), "TCP connect timeout.");
    public static final ConfigKey<Duration> REQUEST_TIMEOUT = key("api.request-timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(30), "Time for one attempt, from send to the full answer.");
    public static final ConfigKey<Double> REQUESTS_PER_SECOND = key("api.requests-per-second",
            ConfigType.doubleMin(0), 0.0, "Ceiling of attempts per second per instance; 0 for none.");
    public static final ConfigKey<Boolean> ADAPTIVE = key("api.adaptive-concurrency", ConfigType.BOOLEAN, true,
            "Lower the in-flight limit on 429 storms and raise it back on success.");

    public static final ConfigKey<Integer> MAX_IN_FLIGHT = key("engine.max-in-flight", ConfigType.intRange(1, 100_000),
            256, "HTTP calls in flight per instance, shared fairly by all stream tasks. Throughput is at most "
                    + "max-in-flight / API latency (Little's law).");
    public static final ConfigKey<Integer> MAX_PENDING = key("engine.max-pending-per-task",
            ConfigType.intRange(1, 1_000_000), 1024, "Events per stream task held in memory between input and output.");
    public static final ConfigKey<String> ORDERING = key("engine.ordering", ConfigType.oneOf("key", "unordered"),
            "key", "key: per-key FIFO output (dead letters keep their place); unordered: each event leaves when done.");
    public static final ConfigKey<String> ON_TASK_FAILURE = key("engine.on-task-failure",
            ConfigType.oneOf("dead-letter", "publish-partial"), "dead-letter", "When one task of an event fails for "
                    + "good: dead-letter the event, or publish what succeeded with the failures in failed_tasks.");
    public static final ConfigKey<Duration> MAX_ADMISSION_WAIT = key("engine.max-admission-wait",
            ConfigType.DURATION_TYPE, Duration.ofMillis(500), "Longest wait for a free pending slot in one process() "
                    + "call (at most 5s; the EOS transaction timeout is 10s).");
    public static final ConfigKey<Integer> RETRY_MAX_ATTEMPTS = key("engine.retry.max-attempts",
            ConfigType.intRange(1, 100), 6, "Attempts per task call for transient errors (429, 5xx, timeouts).");
    public static final ConfigKey<Duration> RETRY_INITIAL = key("engine.retry.initial-backoff",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(1), "Ceiling of the first backoff; doubles per attempt, jittered.");
    public static final ConfigKey<Duration> RETRY_MAX_BACKOFF = key("engine.retry.max-backoff",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(30), "Ceiling of any backoff.");
    public static final ConfigKey<Duration> RETRY_MAX_RETRY_AFTER = key("engine.retry.max-retry-after",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(60), "A longer Retry-After from the API is cut to this.");
    public static final ConfigKey<Duration> RETRY_MAX_ELAPSED = key("engine.retry.max-elapsed",
            ConfigType.DURATION_TYPE, Duration.ofMinutes(5), "No retry starts later than this after the first attempt.");
    public static final ConfigKey<Integer> OUTAGE_FAILURES = key("engine.outage.failures",
            ConfigType.intRange(1, 100_000), 20, "Consecutive 5xx/timeouts/refused connections that, lasting "
                    + "engine.outage.after, open the circuit (pause, probe, resume; nothing dead-lettered).");
    public static final ConfigKey<Duration> OUTAGE_AFTER = key("engine.outage.after", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(5), "See engine.outage.failures.");
    public static final ConfigKey<Duration> PROBE_INTERVAL = key("engine.probe.interval", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(1), "First wait between probes while the circuit is open; doubles up to the maximum.");
    public static final ConfigKey<Duration> PROBE_MAX_INTERVAL = key("engine.probe.max-interval",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(15), "Longest wait between probes.");

    public static final ConfigKey<String> REGISTRY_URL = required("registry.url", ConfigType.STRING,
            "Schema Registry (Confluent REST API) base URL, e.g. http://registry:8081 or Apicurio's "
                    + "http://host:8080/apis/ccompat/v7; 'memory' for an in-process registry (development only: other "
                    + "processes cannot read the schemas).");
    public static final ConfigKey<String> REGISTRY_USER = key("registry.username", ConfigType.STRING, null,
            "Basic-auth user (with registry.password).");
    public static final ConfigKey<String> REGISTRY_PASSWORD = key("registry.password", ConfigType.PASSWORD, null,
            "Basic-auth password; give it as ${ENV_VAR}.");
    public static final ConfigKey<String> REGISTRY_TOKEN = key("registry.bearer-token", ConfigType.PASSWORD, null,
            "Bearer token (instead of basic auth); give it as ${ENV_VAR}.");
    public static final ConfigKey<Path> REGISTRY_TRUST_STORE = key("registry.tls.trust-store", ConfigType.PATH, null,
            "Trust store (PKCS12 or JKS) for the registry's certificate; the JVM's default trust when absent.");
    public static final ConfigKey<String> REGISTRY_TRUST_PASSWORD = key("registry.tls.trust-store-password",
            ConfigType.PASSWORD, null, "Trust store password.");
    public static final ConfigKey<Path> REGISTRY_KEY_STORE = key("registry.tls.key-store", ConfigType.PATH, null,
            "Key store with this client's certificate, for mutual TLS.");
    public static final ConfigKey<String> REGISTRY_KEY_PASSWORD = key("registry.tls.key-store-password",
            ConfigType.PASSWORD, null, "Key store password.");
    public static final ConfigKey<Boolean> AUTO_REGISTER = key("registry.auto-register", ConfigType.BOOLEAN, true,
            "Register the output schemas on first use; false only looks them up (locked-down registries).");
    public static final ConfigKey<String> SUBJECT_STRATEGY = key("registry.subject-name-strategy",
            ConfigType.oneOf("topic", "record", "topic_record"), "topic",
            "Subject naming: topic (<topic>-value), record (full record name) or topic_record.");

    public static final ConfigKey<String> OPS_HOST = key("ops.host", ConfigType.STRING, "0.0.0.0",
            "Address of the health and metrics HTTP server.");
    public static final ConfigKey<Integer> OPS_PORT = key("ops.port", ConfigType.intRange(0, 65535), 8081,
            "Port of /health/live, /health/ready and /metrics; 0 picks a free one.");
    public static final ConfigKey<String> LOG_FORMAT = key("log.format", ConfigType.oneOf("text", "json"), "text",
            "Log lines as human-readable text or as JSON (one object per line).");

    /** Sections that are not plain keys. */
    static final String STREAMS = "streams";
    static final String TASKS = "tasks";

    private static final ObjectMapper YAML = new YAMLMapper();

    private final Map<ConfigKey<?>, Object> values;
    private final Map<String, String> streams;
    private final List<TaskSpec> tasks;
    private final ApiKey apiKey;
    private final String source;

    private EnricherConfig(Map<ConfigKey<?>, Object> values, Map<String, String> streams, List<TaskSpec> tasks,
                           ApiKey apiKey, String source) {
        this.values = values;
        this.streams = streams;
        this.tasks = tasks;
        this.apiKey = apiKey;
        this.source = source;
    }

    private static <T> ConfigKey<T> key(String name, ConfigType<T> type, T defaultValue, String doc) {
        ConfigKey<T> k = new ConfigKey<>(name, type, defaultValue, false, doc);
        KEYS.add(k);
        return k;
    }

    private static <T> ConfigKey<T> required(String name, ConfigType<T> type, String doc) {
        ConfigKey<T> k = new ConfigKey<>(name, type, null, true, doc);
        KEYS.add(k);
        return k;
    }

    /** Every declared key, in declaration order. */
    static List<ConfigKey<?>> keys() {
        return List.copyOf(KEYS);
    }

    /** Loads and validates a file with the process environment. */
    public static EnricherConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * Loads and validates a file.
     *
     * @throws ConfigException listing every problem, when the file is missing, unreadable or invalid
     */
    public static EnricherConfig load(Path file, Map<String, String> env) {
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
        return parse(text, env, file.toString());
    }

    /** Parses and validates configuration text. */
    public static EnricherConfig parse(String yamlText, Map<String, String> env, String source) {
        Objects.requireNonNull(env, "env");
        List<ConfigException.Problem> problems = new ArrayList<>();
        String text = EnvSubstitution.apply(yamlText, env, problems);
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> streams = new LinkedHashMap<>();
        JsonNode tasksNode = null;
        JsonNode root;
        try {
            root = text.isBlank() ? YAML.createObjectNode() : YAML.readTree(text);
        } catch (IOException e) {
            problems.add(new ConfigException.Problem("file", "is not valid YAML: "
                    + e.getMessage().lines().findFirst().orElse("")));
            throw new ConfigException(source, problems);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = YAML.createObjectNode();
        }
        if (!root.isObject()) {
            problems.add(new ConfigException.Problem("file", "must be a YAML mapping of sections (kafka:, api:, tasks: ...)"));
            throw new ConfigException(source, problems);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(STREAMS)) {
                readStreams(e.getValue(), streams, problems);
            } else if (e.getKey().equals(TASKS)) {
                tasksNode = e.getValue();
            } else {
                flatten(e.getKey(), e.getValue(), raw, problems);
            }
        }
        for (String name : raw.keySet()) {
            if (find(name) == null) {
                problems.add(new ConfigException.Problem(name, "is not a known key" + suggestion(name)
                        + "; see README, Configuration"));
            }
        }
        // Environment overrides, then the typed values.
        for (ConfigKey<?> k : KEYS) {
            String v = env.get(k.envVar());
            if (v != null) {
                raw.put(k.name(), v);
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("ENRICHER_STREAMS_")) {
                streams.put(e.getKey().substring("ENRICHER_STREAMS_".length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                        e.getValue());
            }
        }
        if (env.get("ENRICHER_TASKS") != null) {
            try {
                tasksNode = YAML.readTree(env.get("ENRICHER_TASKS"));
            } catch (IOException e) {
                problems.add(new ConfigException.Problem("ENRICHER_TASKS", "is not a valid YAML or JSON list of tasks"));
            }
        }
        Map<ConfigKey<?>, Object> values = new LinkedHashMap<>();
        for (ConfigKey<?> k : KEYS) {
            String v = raw.get(k.name());
            if (v == null) {
                if (k.required()) {
                    problems.add(new ConfigException.Problem(k.name(), "is required: set it in the file or as "
                            + k.envVar() + " (" + k.type().describe() + ")"));
                } else if (k.defaultValue() != null) {
                    values.put(k, k.defaultValue());
                }
                continue;
            }
            try {
                values.put(k, k.type().parse(v));
            } catch (IllegalArgumentException e) {
                String shown = k.secret() ? "the value" : "'" + v + "'";
                problems.add(new ConfigException.Problem(k.name(), shown + " " + e.getMessage()));
            }
        }
        List<TaskSpec> tasks = readTasks(tasksNode, problems);
        ApiKey apiKey = apiKey(values, env, problems);
        EnricherConfig config = new EnricherConfig(values, Map.copyOf(streams), tasks, apiKey, source);
        if (problems.isEmpty()) {
            config.crossCheck(problems);
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return config;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out,
                                List<ConfigException.Problem> problems) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix + "." + e.getKey(), e.getValue(), out, problems);
            }
        } else if (node.isArray()) {
            problems.add(new ConfigException.Problem(prefix, "is a list, but a single value is expected here"));
        } else if (!node.isNull()) {
            out.put(prefix, node.asText());
        }
    }

    private static void readStreams(JsonNode node, Map<String, String> out, List<ConfigException.Problem> problems) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            problems.add(new ConfigException.Problem(STREAMS, "must be a mapping of Kafka properties "
                    + "(e.g. security.protocol: SASL_SSL)"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                // Nested YAML (security: {protocol: SASL_SSL}) flattens to Kafka's dotted names.
                Map<String, String> nested = new LinkedHashMap<>();
                flatten(e.getKey(), v, nested, problems);
                out.putAll(nested);
            } else if (v.isArray()) {
                problems.add(new ConfigException.Problem(STREAMS + "." + e.getKey(),
                        "is a list; Kafka lists are one comma-separated string"));
            } else if (!v.isNull()) {
                out.put(e.getKey(), v.asText());
            }
        }
    }

    private static List<TaskSpec> readTasks(JsonNode node, List<ConfigException.Problem> problems) {
        List<TaskSpec> specs = new ArrayList<>();
        if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
            problems.add(new ConfigException.Problem(TASKS, "is required: list at least one task, e.g. "
                    + "[{name: iab, type: iab}]; types: " + typeNames()));
            return specs;
        }
        if (!node.isArray()) {
            problems.add(new ConfigException.Problem(TASKS, "must be a list of tasks ({name, type, model, options})"));
            return specs;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode t = node.get(i);
            String where = TASKS + "[" + i + "]";
            if (!t.isObject()) {
                problems.add(new ConfigException.Problem(where, "must be a mapping with name, type, model, options"));
                continue;
            }
            for (Iterator<String> names = t.fieldNames(); names.hasNext(); ) {
                String f = names.next();
                if (!List.of("name", "type", "model", "options").contains(f)) {
                    problems.add(new ConfigException.Problem(where + "." + f,
                            "is not a task key; valid: name, type, model, options"));
                }
            }
            JsonNode type = t.get("type");
            if (type == null || !type.isTextual()) {
                problems.add(new ConfigException.Problem(where + ".type", "is required; one of " + typeNames()));
                continue;
            }
            TaskType tt;
            try {
                tt = TaskType.parse(type.asText());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigException.Problem(where + ".type", e.getMessage()));
                continue;
            }
            JsonNode options = t.get("options");
            if (options != null && !options.isNull() && !options.isObject()) {
                problems.add(new ConfigException.Problem(where + ".options", "must be a mapping of option -> value"));
                continue;
            }
            Map<String, Object> opts = options == null || options.isNull() ? Map.of()
                    : YAML.convertValue(options, YAML.getTypeFactory().constructMapType(LinkedHashMap.class,
                    String.class, Object.class));
            try {
                TaskSpec spec = new TaskSpec(text(t.get("name")), tt, text(t.get("model")), opts);
                TaskFactory.create(spec);
                specs.add(spec);
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigException.Problem(where, e.getMessage()));
            }
        }
        return specs;
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

    private static ApiKey apiKey(Map<ConfigKey<?>, Object> values, Map<String, String> env,
                                 List<ConfigException.Problem> problems) {
        Object inline = values.get(API_KEY);
        if (inline != null) {
            return ApiKey.of((String) inline);
        }
        Object file = values.get(API_KEY_FILE);
        if (file != null) {
            try {
                return ApiKey.fromFile((Path) file);
            } catch (RuntimeException e) {
                problems.add(new ConfigException.Problem(API_KEY_FILE.name(), "cannot be used: " + e.getMessage()));
                return null;
            }
        }
        String fromEnv = env.get(ApiKey.ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return ApiKey.of(fromEnv.trim());
        }
        problems.add(new ConfigException.Problem(API_KEY.name(), "is not set: export " + ApiKey.ENV_VAR
                + ", or set api.api-key: ${" + ApiKey.ENV_VAR + "} or api.api-key-file"));
        return null;
    }

    /** Checks across keys, by building the typed settings each part validates itself. */
    private void crossCheck(List<ConfigException.Problem> problems) {
        String url = get(REGISTRY_URL);
        if ((get(REGISTRY_USER) == null) != (get(REGISTRY_PASSWORD) == null)) {
            problems.add(new ConfigException.Problem(get(REGISTRY_USER) == null ? REGISTRY_USER.name()
                    : REGISTRY_PASSWORD.name(), "is missing: basic auth needs both registry.username and registry.password"));
            return;
        }
        if (!url.equals("memory")) {
            try {
                registry();
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigException.Problem("registry", e.getMessage()));
            }
        }
        try {
            engine();
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigException.Problem("engine", e.getMessage()));
        }
        try {
            decoder();
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigException.Problem("input", e.getMessage()));
        }
        try {
            client();
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigException.Problem("api", e.getMessage()));
        }
        try {
            pipeline();
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigException.Problem("kafka", e.getMessage()));
        }
        for (String k : List.of("application.id", "bootstrap.servers", "processing.guarantee", "num.stream.threads",
                "state.dir")) {
            if (streams.containsKey(k)) {
                problems.add(new ConfigException.Problem(STREAMS + "." + k, "is set by a kafka.* key; set that instead"));
            }
        }
    }

    @SuppressWarnings("unchecked")
    <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }

    private static ConfigKey<?> find(String name) {
        for (ConfigKey<?> k : KEYS) {
            if (k.name().equals(name)) {
                return k;
            }
        }
        return null;
    }

    private static String suggestion(String name) {
        ConfigKey<?> best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey<?> k : KEYS) {
            int d = distance(name, k.name());
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean " + best.name() + "?)" : "";
    }

    /** Levenshtein distance, for "did you mean"; a dozen lines not worth a dependency. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    // ---- typed views ---------------------------------------------------------------------------------------------

    /** The task specs, validated. */
    public List<TaskSpec> taskSpecs() {
        return tasks;
    }

    /** The tasks, built. */
    public List<EnrichmentTask> tasks() {
        List<EnrichmentTask> out = new ArrayList<>(tasks.size());
        for (TaskSpec s : tasks) {
            out.add(TaskFactory.create(s));
        }
        return out;
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

    /** The API client's settings (the engine turns the client's own retries off and sets its in-flight cap). */
    public ClientConfig client() {
        ClientConfig.Builder b = ClientConfig.builder().baseUrl(get(API_BASE_URL)).apiKey(apiKey)
                .authHeader(get(AUTH_HEADER)).authScheme(get(AUTH_SCHEME)).connectTimeout(get(CONNECT_TIMEOUT))
                .requestTimeout(get(REQUEST_TIMEOUT)).maxInFlight(get(MAX_IN_FLIGHT))
                .requestsPerSecond(get(REQUESTS_PER_SECOND)).adaptiveConcurrency(get(ADAPTIVE));
        if (get(PROJECT_ID) != null) {
            b.projectId(get(PROJECT_ID));
        }
        return b.build();
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
                .stateDir(get(STATE_DIR)).decoder(decoder()).engine(engine()).serde(serde())
                .tasks(tasks());
        streams.forEach(b::streamsProperty);
        return b.build();
    }

    /** Kafka properties passed through under {@code streams:} (and {@code ENRICHER_STREAMS_*}). */
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

    /** The effective configuration, secrets masked, one {@code key = value} per line. */
    public String describe() {
        StringBuilder s = new StringBuilder("# effective configuration from ").append(source).append('\n');
        for (ConfigKey<?> k : KEYS) {
            Object v = values.get(k);
            if (v != null) {
                s.append(k.name()).append(" = ").append(formatted(k, v)).append('\n');
            }
        }
        streams.forEach((k, v) -> s.append("streams.").append(k).append(" = ")
                .append(k.contains("password") || k.contains("jaas") || k.contains("secret") ? "****" : v).append('\n'));
        for (TaskSpec t : tasks) {
            s.append("task ").append(t.effectiveName()).append(" = ").append(t.type().name().toLowerCase(Locale.ROOT))
                    .append(t.model() == null ? "" : " model " + t.model()).append('\n');
        }
        return s.toString();
    }

    @SuppressWarnings("unchecked")
    private static <T> String formatted(ConfigKey<T> k, Object v) {
        return k.type().format((T) v);
    }

    @Override
    public String toString() {
        return "EnricherConfig[" + source + "]";
    }

    /** The configuration reference as a Markdown table, generated from the key declarations. */
    public static String reference() {
        StringBuilder s = new StringBuilder();
        s.append("| key | environment variable | type | default | description |\n");
        s.append("|---|---|---|---|---|\n");
        for (ConfigKey<?> k : KEYS) {
            s.append("| `").append(k.name()).append("` | `").append(k.envVar()).append("` | ")
                    .append(k.type().describe()).append(" | ")
                    .append(k.required() ? "**required**" : k.defaultValue() == null ? "" : "`" + formatted(k, k.defaultValue()) + "`")
                    .append(" | ").append(k.doc().replace("|", "\\|")).append(" |\n");
        }
        s.append("| `streams.*` | `ENRICHER_STREAMS_<NAME>` (dots as `_`) | Kafka property | | Any Kafka Streams, "
                + "consumer, producer or admin property, passed through (security.protocol, sasl.*, ssl.*, "
                + "num.standby.replicas, commit.interval.ms ...). |\n");
        s.append("| `tasks` | `ENRICHER_TASKS` (YAML/JSON list) | list of {name, type, model, options} | **required** "
                + "| The enrichment tasks run on every event; see Tasks. |\n");
        return s.toString();
    }
}
