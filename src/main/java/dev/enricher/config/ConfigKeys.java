package dev.enricher.config;

import dev.enricher.client.ClientConfig;
import dev.enricher.serde.decode.DecoderConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The key table: every key of the configuration, declared once with its type, default, and doc, as Kafka's
 * {@code ConfigDef} does; the type is the validator. The order of declaration is the order of the reference, of the
 * effective configuration and of the "is required" messages. The {@code streams:} and {@code tasks:} sections are
 * not keys (see {@link RawConfig}).
 */
final class ConfigKeys {
    // Filled by key() and required() as the constants below initialize, in textual order.
    private static final List<ConfigKey<?>> DECLARED = new ArrayList<>();

    // kafka: the cluster, the topics and the Kafka Streams runtime
    static final ConfigKey<String> BOOTSTRAP_SERVERS = required("kafka.bootstrap-servers", ConfigType.STRING,
            "Kafka bootstrap servers, host:port[,host:port...].");
    static final ConfigKey<String> APPLICATION_ID = key("kafka.application-id", ConfigType.STRING,
            "stream-enricher", "Kafka Streams application.id: the consumer group and the prefix of internal topics. "
                    + "Instances with the same id share the work.");
    static final ConfigKey<String> INPUT_TOPIC = key("kafka.input-topic", ConfigType.STRING, "raw-events",
            "The raw topic read.");
    static final ConfigKey<String> ENRICHED_TOPIC = key("kafka.enriched-topic", ConfigType.STRING,
            "enriched-events", "Where enriched events are written (Avro EnrichedEvent, same key as the input).");
    static final ConfigKey<String> DEAD_LETTER_TOPIC = key("kafka.dead-letter-topic", ConfigType.STRING,
            "enricher-dead-letters", "Where dead letters are written (Avro DeadLetter, same key as the input).");
    static final ConfigKey<String> GUARANTEE = key("kafka.guarantee",
            ConfigType.oneOf("exactly_once_v2", "at_least_once"), "exactly_once_v2",
            "Processing guarantee: exactly_once_v2 (each input ends as exactly one output) or at_least_once.");
    static final ConfigKey<Integer> STREAM_THREADS = key("kafka.stream-threads", ConfigType.intRange(1, 64), 1,
            "Kafka Streams threads per instance. One is usually enough: threads never wait on the API.");
    static final ConfigKey<Path> STATE_DIR = key("kafka.state-dir", ConfigType.PATH, null,
            "Kafka Streams state directory (the pending store lives here). When absent, ~/.stream-enricher/state "
                    + "(Kafka Streams' own default, in the OS temp directory, only when the home directory cannot be "
                    + "written). Use a persistent volume in production.");

    // input: how raw values are decoded
    static final ConfigKey<String> INPUT_FORMAT = key("input.format", ConfigType.oneOf("json", "avro", "text"),
            "json", "How input values are decoded: json (text at a JSON Pointer), avro (Confluent wire format through "
                    + "the registry) or text (the whole value, UTF-8).");
    static final ConfigKey<String> TEXT_POINTER = key("input.text-pointer", ConfigType.STRING,
            DecoderConfig.DEFAULT_TEXT_POINTER, "json: JSON Pointer of the text to enrich.");
    static final ConfigKey<String> ID_POINTER = key("input.id-pointer", ConfigType.STRING,
            DecoderConfig.DEFAULT_ID_POINTER, "json: JSON Pointer of the event id (optional in events).");
    static final ConfigKey<String> TEXT_FIELD = key("input.text-field", ConfigType.STRING,
            DecoderConfig.DEFAULT_TEXT_FIELD, "avro: the record field holding the text.");
    static final ConfigKey<String> ID_FIELD = key("input.id-field", ConfigType.STRING,
            DecoderConfig.DEFAULT_ID_FIELD, "avro: the record field holding the event id (optional).");
    static final ConfigKey<Integer> MAX_BYTES = key("input.max-bytes",
            ConfigType.intRange(1, DecoderConfig.MAX_MAX_BYTES), DecoderConfig.DEFAULT_MAX_BYTES,
            "Largest input value accepted; larger ones are dead-lettered as OVERSIZED.");

    // api: the ZeroGPU client
    static final ConfigKey<URI> API_BASE_URL = key("api.base-url", ConfigType.URL,
            ClientConfig.DEFAULT_BASE_URL, "The ZeroGPU (or OpenAI-compatible) API base; /chat/completions is appended.");
    static final ConfigKey<String> API_KEY = key("api.api-key", ConfigType.PASSWORD, null,
            "The API key. Give it as ${ZEROGPU_API_KEY}; when absent, ZEROGPU_API_KEY or api.api-key-file is used.");
    static final ConfigKey<Path> API_KEY_FILE = key("api.api-key-file", ConfigType.PATH, null,
            "A file holding the API key (a mounted secret), used when api.api-key is absent.");
    static final ConfigKey<String> PROJECT_ID = key("api.project-id", ConfigType.STRING, null,
            "Sent as x-project-id when set.");
    static final ConfigKey<String> AUTH_HEADER = key("api.auth-header", ConfigType.STRING,
            ClientConfig.DEFAULT_AUTH_HEADER, "Header carrying the key (Authorization for OpenAI-compatible servers).");
    static final ConfigKey<String> AUTH_SCHEME = key("api.auth-scheme", ConfigType.TEXT, "",
            "Prefix before the key in that header, e.g. Bearer; empty for none.");
    static final ConfigKey<Duration> CONNECT_TIMEOUT = key("api.connect-timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(10), "TCP connect timeout.");
    static final ConfigKey<Duration> REQUEST_TIMEOUT = key("api.request-timeout", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(30), "Time for one attempt, from send to the full answer.");
    static final ConfigKey<Double> REQUESTS_PER_SECOND = key("api.requests-per-second",
            ConfigType.doubleMin(0), 0.0, "Ceiling of attempts per second per instance; 0 for none.");
    static final ConfigKey<Double> TOKENS_PER_MINUTE = key("api.tokens-per-minute", ConfigType.doubleMin(0), 0.0,
            "Ceiling of model tokens per minute, as the API counts them (prompt and completion): a call waits while "
                    + "the minute's tokens are used up; its prompt is estimated before it goes (the long-input token estimate) "
                    + "and the answer's usage corrects the estimate. 0: no limit.");
    static final ConfigKey<String> HTTP_VERSION = key("api.http-version", ConfigType.oneOf("1.1", "2"),
            ClientConfig.HttpVersion.DEFAULT.label(), "HTTP version of the connections to the API: 1.1 (one call per "
                    + "connection at a time) or 2 (up to 100 calls multiplexed on each connection, so max-in-flight / "
                    + "100 connections; ALPN on https, h2c prior knowledge on http). With 2, a server that refuses "
                    + "HTTP/2 is spoken to in 1.1 (one warning in the log).");
    static final ConfigKey<Boolean> ADAPTIVE = key("api.adaptive-concurrency", ConfigType.BOOLEAN, true,
            "Halve the in-flight limit on overload (a third of the last 64 answers 429, not a random few) and "
                    + "raise it back on success.");

    // engine: admission, order, retries and the circuit
    static final ConfigKey<Integer> MAX_IN_FLIGHT = key("engine.max-in-flight", ConfigType.intRange(1, 100_000),
            256, "HTTP calls in flight per instance, shared fairly by all stream tasks. Throughput is at most "
                    + "max-in-flight / API latency (Little's law).");
    static final ConfigKey<Integer> MAX_PENDING = key("engine.max-pending-per-task",
            ConfigType.intRange(1, 1_000_000), 1024, "Events per stream task held in memory between input and output.");
    static final ConfigKey<String> ORDERING = key("engine.ordering", ConfigType.oneOf("key", "unordered"),
            "key", "key: per-key FIFO output (dead letters keep their place); unordered: each event leaves when done.");
    static final ConfigKey<String> ON_TASK_FAILURE = key("engine.on-task-failure",
            ConfigType.oneOf("dead-letter", "publish-partial"), "dead-letter", "When one task of an event fails for "
                    + "good: dead-letter the event, or publish what succeeded with the failures in failed_tasks.");
    static final ConfigKey<Duration> MAX_ADMISSION_WAIT = key("engine.max-admission-wait",
            ConfigType.DURATION_TYPE, Duration.ofMillis(500), "Longest wait for a free pending slot in one process() "
                    + "call (at most 5s; the EOS transaction timeout is 10s).");
    static final ConfigKey<Integer> RETRY_MAX_ATTEMPTS = key("engine.retry.max-attempts",
            ConfigType.intRange(1, 100), 6, "Attempts per task call for transient errors (429, 5xx, timeouts).");
    static final ConfigKey<Duration> RETRY_INITIAL = key("engine.retry.initial-backoff",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(1), "Ceiling of the first backoff; doubles per attempt, jittered.");
    static final ConfigKey<Duration> RETRY_MAX_BACKOFF = key("engine.retry.max-backoff",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(30), "Ceiling of any backoff.");
    static final ConfigKey<Duration> RETRY_MAX_RETRY_AFTER = key("engine.retry.max-retry-after",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(60), "A longer Retry-After from the API is cut to this.");
    static final ConfigKey<Duration> RETRY_MAX_ELAPSED = key("engine.retry.max-elapsed",
            ConfigType.DURATION_TYPE, Duration.ofMinutes(5), "No retry starts later than this after the first attempt.");
    static final ConfigKey<Integer> OUTAGE_FAILURES = key("engine.outage.failures",
            ConfigType.intRange(1, 100_000), 20, "Consecutive 5xx/timeouts/refused connections that, lasting "
                    + "engine.outage.after, open the circuit (pause, probe, resume; nothing dead-lettered).");
    static final ConfigKey<Duration> OUTAGE_AFTER = key("engine.outage.after", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(5), "See engine.outage.failures.");
    static final ConfigKey<Duration> PROBE_INTERVAL = key("engine.probe.interval", ConfigType.DURATION_TYPE,
            Duration.ofSeconds(1), "First wait between probes while the circuit is open; doubles up to the maximum.");
    static final ConfigKey<Duration> PROBE_MAX_INTERVAL = key("engine.probe.max-interval",
            ConfigType.DURATION_TYPE, Duration.ofSeconds(15), "Longest wait between probes.");

    // registry: the Schema Registry
    static final ConfigKey<String> REGISTRY_URL = required("registry.url", ConfigType.STRING,
            "Schema Registry (Confluent REST API) base URL, e.g. http://registry:8081 or Apicurio's "
                    + "http://host:8080/apis/ccompat/v7; 'memory' for an in-process registry (development only: other "
                    + "processes cannot read the schemas).");
    static final ConfigKey<String> REGISTRY_USER = key("registry.username", ConfigType.STRING, null,
            "Basic-auth user (with registry.password).");
    static final ConfigKey<String> REGISTRY_PASSWORD = key("registry.password", ConfigType.PASSWORD, null,
            "Basic-auth password; give it as ${ENV_VAR}.");
    static final ConfigKey<String> REGISTRY_TOKEN = key("registry.bearer-token", ConfigType.PASSWORD, null,
            "Bearer token (instead of basic auth); give it as ${ENV_VAR}.");
    static final ConfigKey<Path> REGISTRY_TRUST_STORE = key("registry.tls.trust-store", ConfigType.PATH, null,
            "Trust store (PKCS12 or JKS) for the registry's certificate; the JVM's default trust when absent.");
    static final ConfigKey<String> REGISTRY_TRUST_PASSWORD = key("registry.tls.trust-store-password",
            ConfigType.PASSWORD, null, "Trust store password.");
    static final ConfigKey<Path> REGISTRY_KEY_STORE = key("registry.tls.key-store", ConfigType.PATH, null,
            "Key store with this client's certificate, for mutual TLS.");
    static final ConfigKey<String> REGISTRY_KEY_PASSWORD = key("registry.tls.key-store-password",
            ConfigType.PASSWORD, null, "Key store password.");
    static final ConfigKey<Boolean> AUTO_REGISTER = key("registry.auto-register", ConfigType.BOOLEAN, true,
            "Register the output schemas on first use; false only looks them up (locked-down registries).");
    static final ConfigKey<String> SUBJECT_STRATEGY = key("registry.subject-name-strategy",
            ConfigType.oneOf("topic", "record", "topic_record"), "topic",
            "Subject naming: topic (<topic>-value), record (full record name) or topic_record.");

    // cache: durable call results (never pay twice for one question)
    static final ConfigKey<Boolean> CACHE_ENABLED = key("cache.enabled", ConfigType.BOOLEAN, true,
            "Keep every accepted answer under a hash of its model, task and exact request, in a compacted topic "
                    + "written in the Kafka transaction that stores it, and look there before calling: repeated texts, dead-letter "
                    + "replays, re-processing and calls re-sent after a crash are not paid again. Identical calls in "
                    + "flight at once make one call.");
    static final ConfigKey<String> CACHE_TOPIC = key("cache.topic", ConfigType.STRING, null,
            "The call-results topic; default <kafka.application-id>-call-results. Created at start (compacted, "
                    + "retention = cache.ttl) when missing.");
    static final ConfigKey<Integer> CACHE_PARTITIONS = key("cache.partitions", ConfigType.intRange(1, 10_000), 6,
            "Partitions of the call-results topic when the service creates it.");
    static final ConfigKey<Integer> CACHE_REPLICATION = key("cache.replication-factor", ConfigType.intRange(1, 32),
            null, "Replication factor of the call-results topic when the service creates it; default the broker's.");
    static final ConfigKey<Duration> CACHE_TTL = key("cache.ttl", ConfigType.DURATION_TYPE, Duration.ofDays(7),
            "How long an answer is served after it was stored; also the topic's retention.ms.");
    static final ConfigKey<Integer> CACHE_MAX_MB = key("cache.max-size-mb", ConfigType.intRange(1, 1_048_576), 256,
            "Bound of each instance's local store of answers, in MiB of heap (the least used go first).");
    static final ConfigKey<Duration> CACHE_LOAD_TIMEOUT = key("cache.load-timeout", ConfigType.DURATION_TYPE,
            Duration.ofMinutes(5), "How long the start waits to have read the call-results topic to its end.");

    // budget: what one instance may spend
    static final ConfigKey<Double> BUDGET_PER_HOUR = key("budget.usd-per-hour", ConfigType.doubleMin(0), 0.0,
            "What this instance may spend on the API per UTC hour, in US dollars (usage at the model catalog's "
                    + "prices); reached, sending stops and processing pauses until the next hour, nothing lost. "
                    + "0: no budget. Divide a global budget by the instances.");
    static final ConfigKey<Double> BUDGET_PER_DAY = key("budget.usd-per-day", ConfigType.doubleMin(0), 0.0,
            "As budget.usd-per-hour, per UTC day.");

    // privacy: what stays out of the outputs
    static final ConfigKey<String> PRIVACY_REDACT_WITH = key("privacy.redact-with", ConfigType.STRING, null,
            "A PII task (options.usecase: redact) that runs first on every event: every other task reads its redacted "
                    + "text, the enriched record carries only the redacted text, and the PII result keeps labels, "
                    + "offsets and scores but no entity text. Off when absent.");
    static final ConfigKey<List<String>> PRIVACY_DROP_ATTRIBUTES = key("privacy.drop-attributes", ConfigType.NAMES,
            null, "Event attributes never sent to a task nor written to the enriched record.");
    static final ConfigKey<String> PRIVACY_DEAD_LETTER_VALUE = key("privacy.dead-letter-value",
            ConfigType.oneOf("keep", "drop"), "keep", "keep: dead letters carry the original key, value and "
                    + "headers (needed to replay them); drop: only the source topic, partition and offset to re-read "
                    + "the input from (within the input topic's retention), and no raw model answer.");
    static final ConfigKey<String> PRIVACY_ENTITY_HASH_KEY = key("privacy.entity-hash-key", ConfigType.PASSWORD,
            null, "With redact-with: the secret of a keyed hash (HMAC-SHA256, hex) kept per PII entity instead of "
                    + "its text, equal for equal texts, for joining; at least 16 bytes; give it as ${ENV_VAR}.");

    // tracing: OpenTelemetry spans of each event, exported over OTLP (off by default)
    static final ConfigKey<Boolean> TRACING_ENABLED = key("tracing.enabled", ConfigType.BOOLEAN, false,
            "Trace each event (admission, call-slot wait, every API call attempt, retry back-offs, the wait for its "
                    + "key's turn) and export the spans over OTLP. Also on when tracing.endpoint or the "
                    + "OTEL_EXPORTER_OTLP_ENDPOINT variable is set; OTEL_SDK_DISABLED=true keeps it off.");
    static final ConfigKey<URI> TRACING_ENDPOINT = key("tracing.endpoint", ConfigType.URL, null,
            "The OTLP receiver (a collector, Jaeger): e.g. http://jaeger:4318 for http/protobuf, http://jaeger:4317 "
                    + "for grpc. Absent: OTEL_EXPORTER_OTLP_ENDPOINT, else the protocol's localhost default. The "
                    + "OTEL_* variables override every tracing.* key.");
    static final ConfigKey<String> TRACING_PROTOCOL = key("tracing.protocol",
            ConfigType.oneOf("http/protobuf", "grpc"), "http/protobuf", "The OTLP transport.");
    static final ConfigKey<String> TRACING_SAMPLER = key("tracing.sampler",
            ConfigType.oneOf("parentbased_traceidratio", "traceidratio", "parentbased_always_on", "always_on",
                    "parentbased_always_off", "always_off"), "parentbased_traceidratio",
            "Which events are traced: parentbased_* follow an input's traceparent when it has one (its sampled flag "
                    + "decides); *traceidratio keeps tracing.sampler-ratio of the other events.");
    static final ConfigKey<Double> TRACING_RATIO = key("tracing.sampler-ratio", ConfigType.doubleRange(0, 1), 1.0,
            "With a *traceidratio sampler: the share of traces kept, 0 to 1 (0.01 = 1 %).");
    static final ConfigKey<String> TRACING_SERVICE_NAME = key("tracing.service-name", ConfigType.STRING,
            "stream-enricher", "The resource's service.name (OTEL_SERVICE_NAME overrides it).");
    static final ConfigKey<String> TRACING_RESOURCE = key("tracing.resource-attributes", ConfigType.STRING, null,
            "More resource attributes, key=value,key=value (e.g. deployment.environment.name=prod); merged under "
                    + "OTEL_RESOURCE_ATTRIBUTES.");
    static final ConfigKey<String> TRACING_HEADERS = key("tracing.headers", ConfigType.PASSWORD, null,
            "Headers sent with every export, key=value,key=value (e.g. a hosted backend's API key); never logged; "
                    + "give it as ${ENV_VAR}.");

    // ops and log
    static final ConfigKey<String> OPS_HOST = key("ops.host", ConfigType.STRING, "0.0.0.0",
            "Address of the health and metrics HTTP server.");
    static final ConfigKey<Integer> OPS_PORT = key("ops.port", ConfigType.intRange(0, 65535), 8081,
            "Port of /health/live, /health/ready and /metrics; 0 picks a free one.");
    static final ConfigKey<String> LOG_FORMAT = key("log.format", ConfigType.oneOf("text", "json"), "text",
            "Log lines as human-readable text or as JSON (one object per line).");

    // After every declaration, so that it sees them all.
    private static final List<ConfigKey<?>> ALL = List.copyOf(DECLARED);
    private static final List<String> NAMES = ALL.stream().map(ConfigKey::name).toList();

    private ConfigKeys() {
    }

    /** Every declared key, in declaration order. */
    static List<ConfigKey<?>> all() {
        return ALL;
    }

    /** Every declared key's name, in declaration order. */
    static List<String> names() {
        return NAMES;
    }

    static boolean isDeclared(String name) {
        return NAMES.contains(name);
    }

    /** True when key {@code name} takes a list (a YAML list is joined with commas). */
    static boolean isList(String name) {
        return ALL.stream().anyMatch(k -> k.name().equals(name) && k.type() == ConfigType.NAMES);
    }

    private static <T> ConfigKey<T> key(String name, ConfigType<T> type, T defaultValue, String doc) {
        return declare(new ConfigKey<>(name, type, defaultValue, false, doc));
    }

    private static <T> ConfigKey<T> required(String name, ConfigType<T> type, String doc) {
        return declare(new ConfigKey<>(name, type, null, true, doc));
    }

    private static <T> ConfigKey<T> declare(ConfigKey<T> key) {
        DECLARED.add(key);
        return key;
    }
}
