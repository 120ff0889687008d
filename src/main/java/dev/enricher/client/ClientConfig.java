package dev.enricher.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Settings of a {@link ZeroGpuClient}; immutable, validated when built, with the bad value and the
 * fix in the message. {@link #toString()} masks the key.
 *
 * @param baseUrl            API base, e.g. {@code https://api.zerogpu.ai/v1}; {@code /chat/completions} is appended
 * @param apiKey             the key; null sends no auth header (local OpenAI-compatible servers)
 * @param projectId          sent as {@code x-project-id} when not null; a UUID
 * @param authHeader         header carrying the key ({@code x-api-key}; {@code Authorization} for OpenAI-compatible servers)
 * @param authScheme         prefix before the key in that header, e.g. {@code Bearer}; empty for none
 * @param connectTimeout     TCP connect timeout
 * @param requestTimeout     time for one attempt, from send to full answer
 * @param maxInFlight        hard ceiling of concurrent HTTP calls; also the connection pool size
 * @param requestsPerSecond  ceiling of attempts per second; 0 for none
 * @param tokensPerMinute    ceiling of model tokens per minute (the prompt's estimate before a call, corrected by the
 *                           answer's usage); 0 for none
 * @param retry              backoff and retry limits for TRANSIENT failures
 * @param adaptiveConcurrency halve the in-flight limit on overload (a third of the last 64 answers 429) and raise it back on success
 * @param minInFlight        the floor adaptive concurrency never goes below
 * @param eventLoops         Vert.x event loops of a client that owns its Vert.x
 * @param httpVersion        the HTTP version the transport speaks ({@link HttpVersion})
 * @param clock              wall clock, for {@code Retry-After} dates
 * @param nanoTime           monotonic ticker, for latency and retry deadlines
 * @param random             jitter source
 */
public record ClientConfig(URI baseUrl, ApiKey apiKey, String projectId, String authHeader, String authScheme,
                           Duration connectTimeout, Duration requestTimeout, int maxInFlight, double requestsPerSecond,
                           double tokensPerMinute, RetryPolicy retry, boolean adaptiveConcurrency, int minInFlight, int eventLoops,
                           HttpVersion httpVersion, Clock clock, LongSupplier nanoTime, Random random) {

    public static final URI DEFAULT_BASE_URL = URI.create("https://api.zerogpu.ai/v1");
    public static final String DEFAULT_AUTH_HEADER = "x-api-key";

    public ClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        String scheme = baseUrl.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("base URL '" + baseUrl + "' must be an absolute http(s) URL such as "
                    + DEFAULT_BASE_URL);
        }
        if (projectId != null) {
            try {
                UUID.fromString(projectId);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("project id '" + projectId + "' is not a UUID; copy it from the ZeroGPU console or leave it unset");
            }
        }
        authHeader = authHeader == null || authHeader.isBlank() ? DEFAULT_AUTH_HEADER : authHeader.strip();
        authScheme = authScheme == null ? "" : authScheme.strip();
        requirePositive("connect timeout", connectTimeout);
        requirePositive("request timeout", requestTimeout);
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("max in-flight must be >= 1, was " + maxInFlight);
        }
        if (requestsPerSecond < 0 || Double.isNaN(requestsPerSecond)) {
            throw new IllegalArgumentException("requests per second must be >= 0 (0 = unlimited), was " + requestsPerSecond);
        }
        if (tokensPerMinute < 0 || Double.isNaN(tokensPerMinute) || Double.isInfinite(tokensPerMinute)) {
            throw new IllegalArgumentException("tokens per minute must be >= 0 (0 = unlimited), was " + tokensPerMinute);
        }
        Objects.requireNonNull(retry, "retry");
        if (minInFlight < 1 || minInFlight > maxInFlight) {
            throw new IllegalArgumentException("min in-flight must be between 1 and max in-flight (" + maxInFlight
                    + "), was " + minInFlight);
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("event loops must be >= 1, was " + eventLoops);
        }
        Objects.requireNonNull(httpVersion, "httpVersion");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(nanoTime, "nanoTime");
        Objects.requireNonNull(random, "random");
    }

    private static void requirePositive(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be > 0, was " + d);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The HTTP version of the transport's connections to the API. Either way the transport keeps at most
     * {@link #maxInFlight()} calls on the wire; what differs is how many connections carry them.
     */
    public enum HttpVersion {
        /** HTTP/1.1 with keep-alive: one call per connection at a time, so up to maxInFlight connections. */
        HTTP_1_1("1.1"),
        /**
         * HTTP/2: many calls multiplexed on each of a few connections; ALPN on https, prior knowledge (h2c) on plain
         * http. When the server refuses it (ALPN picks http/1.1, or an h2c connection fails its preface) the transport
         * goes over to HTTP/1.1 by itself, says so once in the log, and re-sends the call that found out.
         */
        HTTP_2("2");

        /** The version used when none is configured. */
        public static final HttpVersion DEFAULT = HTTP_1_1;

        private final String label;

        HttpVersion(String label) {
            this.label = label;
        }

        /** As written in configuration: {@code 1.1} or {@code 2}. */
        public String label() {
            return label;
        }

        /**
         * The version written as {@code label}.
         *
         * @throws IllegalArgumentException naming the value and the valid ones
         */
        public static HttpVersion of(String label) {
            for (HttpVersion v : values()) {
                if (v.label.equals(label == null ? null : label.strip())) {
                    return v;
                }
            }
            throw new IllegalArgumentException("HTTP version '" + label + "' is not valid; give 1.1 or 2");
        }
    }

    /** The full URL of the chat-completions endpoint. */
    public String completionsUrl() {
        String base = baseUrl.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/chat/completions";
    }

    /** The admission limits these settings give: maxInFlight, minInFlight, adaptive concurrency, requests per second. */
    public Admission.Limits limits() {
        return new Admission.Limits(maxInFlight, minInFlight, adaptiveConcurrency, requestsPerSecond, tokensPerMinute);
    }

    /** The value of the auth header, or null when no key is configured. Never log it. */
    String authHeaderValue() {
        if (apiKey == null) {
            return null;
        }
        return authScheme.isEmpty() ? apiKey.reveal() : authScheme + " " + apiKey.reveal();
    }

    public Builder toBuilder() {
        return new Builder().baseUrl(baseUrl).apiKey(apiKey).projectId(projectId).authHeader(authHeader)
                .authScheme(authScheme).connectTimeout(connectTimeout).requestTimeout(requestTimeout)
                .maxInFlight(maxInFlight).requestsPerSecond(requestsPerSecond).tokensPerMinute(tokensPerMinute)
                .retry(retry)
                .adaptiveConcurrency(adaptiveConcurrency).minInFlight(minInFlight).eventLoops(eventLoops)
                .httpVersion(httpVersion).clock(clock).nanoTime(nanoTime).random(random);
    }

    @Override
    public String toString() {
        return "ClientConfig[baseUrl=" + baseUrl + ", apiKey=" + apiKey + ", projectId=" + projectId
                + ", authHeader=" + authHeader + ", authScheme=" + authScheme + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", maxInFlight=" + maxInFlight
                + ", requestsPerSecond=" + requestsPerSecond + ", tokensPerMinute=" + tokensPerMinute
                + ", retry=" + retry
                + ", adaptiveConcurrency=" + adaptiveConcurrency + ", minInFlight=" + minInFlight
                + ", eventLoops=" + eventLoops + ", httpVersion=" + httpVersion.label() + "]";
    }

    /** Builder with the documented defaults; not thread-safe. */
    public static final class Builder {
        private URI baseUrl = DEFAULT_BASE_URL;
        private ApiKey apiKey;
        private String projectId;
        private String authHeader = DEFAULT_AUTH_HEADER;
        private String authScheme = "";
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxInFlight = 256;
        private double requestsPerSecond;
        private double tokensPerMinute;
        private RetryPolicy retry = RetryPolicy.defaults();
        private boolean adaptiveConcurrency = true;
        private Integer minInFlight;
        private int eventLoops = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        private HttpVersion httpVersion = HttpVersion.DEFAULT;
        private Clock clock = Clock.systemUTC();
        private LongSupplier nanoTime = System::nanoTime;
        private Random random = new Random();

        public Builder baseUrl(URI v) {
            this.baseUrl = v;
            return this;
        }

        public Builder baseUrl(String v) {
            try {
                return baseUrl(URI.create(Objects.requireNonNull(v, "baseUrl")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("base URL '" + v + "' is not a valid URL: " + e.getMessage());
            }
        }

        public Builder apiKey(ApiKey v) {
            this.apiKey = v;
            return this;
        }

        public Builder projectId(String v) {
            this.projectId = v == null || v.isBlank() ? null : v.strip();
            return this;
        }

        public Builder authHeader(String v) {
            this.authHeader = v;
            return this;
        }

        public Builder authScheme(String v) {
            this.authScheme = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            this.connectTimeout = v;
            return this;
        }

        public Builder requestTimeout(Duration v) {
            this.requestTimeout = v;
            return this;
        }

        public Builder maxInFlight(int v) {
            this.maxInFlight = v;
            return this;
        }

        public Builder requestsPerSecond(double v) {
            this.requestsPerSecond = v;
            return this;
        }

        /** Ceiling of model tokens per minute; 0 (the default) for none. */
        public Builder tokensPerMinute(double v) {
            this.tokensPerMinute = v;
            return this;
        }

        public Builder retry(RetryPolicy v) {
            this.retry = v;
            return this;
        }

        public Builder adaptiveConcurrency(boolean v) {
            this.adaptiveConcurrency = v;
            return this;
        }

        public Builder minInFlight(int v) {
            this.minInFlight = v;
            return this;
        }

        public Builder eventLoops(int v) {
            this.eventLoops = v;
            return this;
        }

        /** The HTTP version of the transport's connections; {@link HttpVersion#DEFAULT} unless set. */
        public Builder httpVersion(HttpVersion v) {
            this.httpVersion = v;
            return this;
        }

        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        public Builder nanoTime(LongSupplier v) {
            this.nanoTime = v;
            return this;
        }

        public Builder random(Random v) {
            this.random = v;
            return this;
        }

        public ClientConfig build() {
            int min = minInFlight != null ? minInFlight : Math.max(1, Math.min(maxInFlight, 4));
            return new ClientConfig(baseUrl, apiKey, projectId, authHeader, authScheme, connectTimeout, requestTimeout,
                    maxInFlight, requestsPerSecond, tokensPerMinute, retry, adaptiveConcurrency, min, eventLoops, httpVersion, clock,
                    nanoTime, random);
        }
    }
}
