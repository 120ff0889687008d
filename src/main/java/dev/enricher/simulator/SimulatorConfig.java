package dev.enricher.simulator;

import dev.enricher.client.ModelCatalog;

import java.time.Duration;
import java.util.Objects;

/**
 * Everything the simulator is started with. Immutable; validated when built, with the bad value in the
 * message. Only {@link #faults()} can change afterwards, through the running {@link Simulator}.
 *
 * @param host               interface to bind; 127.0.0.1 unless told otherwise
 * @param port               port to bind, 0 for a free one
 * @param acceptedApiKey     the only key accepted; null accepts any key starting with {@code zgpu-}
 * @param projectId          when not null, a request whose {@code x-project-id} differs gets 403 (absent is fine)
 * @param authHeader         header carrying the key ({@code x-api-key}; {@code Authorization} for OpenAI mode)
 * @param authScheme         scheme before the key, e.g. {@code Bearer}; null or empty for none
 * @param catalog            models served, with their input limits
 * @param unknownModelStatus 404 (default) or 400 (with {@code param: "model"}) for a model not in the catalog
 * @param overLimitMode      what happens to input over a model's limit
 * @param latency            service times
 * @param maxConcurrency     requests served at once; more wait in FIFO order
 * @param queueCapacity      requests that may wait; beyond it 503
 * @param seed               seed of every random draw (faults, latency), so runs repeat
 * @param faults             faults at start
 * @param followupFormat     output format of the follow-up-questions model
 * @param instances          HTTP server verticles (event loops) to run
 * @param holdLimit          longest a no-answer request is held before its connection is closed
 * @param recentRequests     how many requests {@link Simulator#recentRequests()} keeps
 * @param jsonFaultRate      share of structured answers (a chat model asked for JSON matching a JSON Schema) that
 *                           are broken JSON, JSON wrapped in prose and a code fence, or JSON that violates the schema
 *                           (a third each), chosen by the request's content so an answer stays a pure function of
 *                           its request; a repair (a conversation holding the model's earlier answer) is always valid
 * @param http2              serve HTTP/2 in clear text (h2c, prior knowledge and upgrade) next to HTTP/1.1 on the same
 *                           port, up to {@link #HTTP2_STREAMS} requests at once on one connection; false serves HTTP/1.1
 *                           only, as a server that refuses HTTP/2 (the HTTP/2 preface gets an HTTP/1.1 error)
 */
public record SimulatorConfig(String host, int port, String acceptedApiKey, String projectId, String authHeader,
                              String authScheme, ModelCatalog catalog, int unknownModelStatus,
                              OverLimitMode overLimitMode, LatencyProfile latency, int maxConcurrency,
                              int queueCapacity, long seed, FaultSettings faults, FollowupFormat followupFormat,
                              int instances, Duration holdLimit, int recentRequests, double jsonFaultRate,
                              boolean http2) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Streams one HTTP/2 connection may carry at once (SETTINGS_MAX_CONCURRENT_STREAMS): Vert.x's and Go's 100. */
    public static final int HTTP2_STREAMS = 100;
    public static final String DEFAULT_AUTH_HEADER = "x-api-key";

    public SimulatorConfig {
        host = host == null || host.isBlank() ? DEFAULT_HOST : host;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be within 0..65535 (0 = any free port), was " + port);
        }
        if (acceptedApiKey != null && acceptedApiKey.isBlank()) {
            acceptedApiKey = null;
        }
        if (projectId != null && projectId.isBlank()) {
            projectId = null;
        }
        authHeader = authHeader == null || authHeader.isBlank() ? DEFAULT_AUTH_HEADER : authHeader.strip();
        authScheme = authScheme == null || authScheme.isBlank() ? null : authScheme.strip();
        catalog = catalog == null ? ModelCatalog.defaults() : catalog;
        if (unknownModelStatus != 404 && unknownModelStatus != 400) {
            throw new IllegalArgumentException("unknownModelStatus must be 404 or 400, was " + unknownModelStatus);
        }
        overLimitMode = overLimitMode == null ? OverLimitMode.ERROR_420 : overLimitMode;
        latency = latency == null ? LatencyProfile.defaults() : latency;
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be >= 1, was " + maxConcurrency);
        }
        if (queueCapacity < 0) {
            throw new IllegalArgumentException("queueCapacity must be >= 0, was " + queueCapacity);
        }
        faults = faults == null ? FaultSettings.none() : faults;
        followupFormat = followupFormat == null ? FollowupFormat.JSON_ARRAY : followupFormat;
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be >= 1, was " + instances);
        }
        holdLimit = holdLimit == null ? Duration.ofSeconds(120) : holdLimit;
        if (holdLimit.isNegative() || holdLimit.isZero()) {
            throw new IllegalArgumentException("holdLimit must be > 0, was " + holdLimit);
        }
        if (recentRequests < 0) {
            throw new IllegalArgumentException("recentRequests must be >= 0, was " + recentRequests);
        }
        if (!(jsonFaultRate >= 0 && jsonFaultRate <= 1)) {
            throw new IllegalArgumentException("jsonFaultRate must be within 0..1, was " + jsonFaultRate);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.host = host;
        b.port = port;
        b.acceptedApiKey = acceptedApiKey;
        b.projectId = projectId;
        b.authHeader = authHeader;
        b.authScheme = authScheme;
        b.catalog = catalog;
        b.unknownModelStatus = unknownModelStatus;
        b.overLimitMode = overLimitMode;
        b.latency = latency;
        b.maxConcurrency = maxConcurrency;
        b.queueCapacity = queueCapacity;
        b.seed = seed;
        b.faults = faults;
        b.followupFormat = followupFormat;
        b.instances = instances;
        b.holdLimit = holdLimit;
        b.recentRequests = recentRequests;
        b.jsonFaultRate = jsonFaultRate;
        b.http2 = http2;
        return b;
    }

    /** Mutable builder with the defaults of a local run; not thread-safe. */
    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port;
        private String acceptedApiKey;
        private String projectId;
        private String authHeader = DEFAULT_AUTH_HEADER;
        private String authScheme;
        private ModelCatalog catalog = ModelCatalog.defaults();
        private int unknownModelStatus = 404;
        private OverLimitMode overLimitMode = OverLimitMode.ERROR_420;
        private LatencyProfile latency = LatencyProfile.defaults();
        private int maxConcurrency = 4096;
        private int queueCapacity = 8192;
        private long seed = 42;
        private FaultSettings faults = FaultSettings.none();
        private FollowupFormat followupFormat = FollowupFormat.JSON_ARRAY;
        private int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        private Duration holdLimit = Duration.ofSeconds(120);
        private int recentRequests = 2000;
        private double jsonFaultRate;
        private boolean http2 = true;

        private Builder() {
        }

        public Builder host(String v) { this.host = v; return this; }
        public Builder port(int v) { this.port = v; return this; }
        public Builder acceptedApiKey(String v) { this.acceptedApiKey = v; return this; }
        public Builder projectId(String v) { this.projectId = v; return this; }
        public Builder authHeader(String v) { this.authHeader = v; return this; }
        public Builder authScheme(String v) { this.authScheme = v; return this; }
        /** OpenAI-compatible auth: {@code Authorization: Bearer <key>}. */
        public Builder bearerAuth() { this.authHeader = "Authorization"; this.authScheme = "Bearer"; return this; }
        public Builder catalog(ModelCatalog v) { this.catalog = Objects.requireNonNull(v, "catalog"); return this; }
        public Builder unknownModelStatus(int v) { this.unknownModelStatus = v; return this; }
        public Builder overLimitMode(OverLimitMode v) { this.overLimitMode = v; return this; }
        public Builder latency(LatencyProfile v) { this.latency = v; return this; }
        /** Shorthand for {@link LatencyProfile#fixed(Duration)}. */
        public Builder fixedLatency(Duration v) { this.latency = LatencyProfile.fixed(v); return this; }
        public Builder maxConcurrency(int v) { this.maxConcurrency = v; return this; }
        public Builder queueCapacity(int v) { this.queueCapacity = v; return this; }
        public Builder seed(long v) { this.seed = v; return this; }
        public Builder faults(FaultSettings v) { this.faults = v; return this; }
        public Builder followupFormat(FollowupFormat v) { this.followupFormat = v; return this; }
        public Builder instances(int v) { this.instances = v; return this; }
        public Builder holdLimit(Duration v) { this.holdLimit = v; return this; }
        public Builder recentRequests(int v) { this.recentRequests = v; return this; }
        public Builder jsonFaultRate(double v) { this.jsonFaultRate = v; return this; }
        /** False: HTTP/1.1 only, refusing HTTP/2 (true by default: h2c next to HTTP/1.1). */
        public Builder http2(boolean v) { this.http2 = v; return this; }

        /** @throws IllegalArgumentException naming the bad value */
        public SimulatorConfig build() {
            return new SimulatorConfig(host, port, acceptedApiKey, projectId, authHeader, authScheme, catalog,
                    unknownModelStatus, overLimitMode, latency, maxConcurrency, queueCapacity, seed, faults,
                    followupFormat, instances, holdLimit, recentRequests, jsonFaultRate, http2);
        }
    }
}
