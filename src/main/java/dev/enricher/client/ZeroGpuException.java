package dev.enricher.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one error type of the client: every failure of a call (HTTP status, network, malformed answer,
 * unparseable content) arrives as this, carrying who can fix it ({@link #disposition()}).
 *
 * <p>Instances are immutable. The message never holds the API key: the server's message is
 * scrubbed of it before it is stored. Fields the server did not send are null (or 0 for {@link #status()}).
 */
public final class ZeroGpuException extends RuntimeException {
    private final Disposition disposition;
    private final FailureKind kind;
    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final String apiMessage;
    private final String requestId;
    private final Duration retryAfter;
    private final String model;
    private final int attempts;
    private final String rawContent;

    private ZeroGpuException(Builder b, Throwable cause) {
        super(describe(b), cause, false, cause != null);
        this.disposition = b.disposition;
        this.kind = b.kind;
        this.status = b.status;
        this.type = b.type;
        this.code = b.code;
        this.param = b.param;
        this.apiMessage = b.apiMessage;
        this.requestId = b.requestId;
        this.retryAfter = b.retryAfter;
        this.model = b.model;
        this.attempts = b.attempts;
        this.rawContent = b.rawContent;
    }

    private static String describe(Builder b) {
        StringBuilder s = new StringBuilder();
        s.append(b.disposition).append(' ').append(b.kind);
        if (b.status > 0) {
            s.append(" status=").append(b.status);
        }
        if (b.model != null) {
            s.append(" model=").append(b.model);
        }
        if (b.type != null) {
            s.append(" type=").append(b.type);
        }
        if (b.code != null) {
            s.append(" code=").append(b.code);
        }
        if (b.param != null) {
            s.append(" param=").append(b.param);
        }
        if (b.requestId != null) {
            s.append(" request_id=").append(b.requestId);
        }
        if (b.attempts > 1) {
            s.append(" attempts=").append(b.attempts);
        }
        if (b.retryAfter != null) {
            s.append(" retry_after_ms=").append(b.retryAfter.toMillis());
        }
        s.append(": ").append(b.apiMessage == null ? "(no message)" : b.apiMessage);
        return s.toString();
    }

    public static Builder builder(Disposition disposition, FailureKind kind) {
        return new Builder(disposition, kind);
    }

    /**
     * A RECORD error for content the task could not parse; keeps the raw content for the dead letter.
     */
    public static ZeroGpuException unparseableContent(ChatCompletion completion, String reason) {
        return builder(Disposition.RECORD, FailureKind.UNPARSEABLE_CONTENT)
                .model(completion.model())
                .requestId(completion.requestId())
                .attempts(completion.attempts())
                .message(reason)
                .rawContent(completion.content())
                .build();
    }

    public Disposition disposition() {
        return disposition;
    }

    public FailureKind kind() {
        return kind;
    }

    /** HTTP status, or 0 when no HTTP answer was received. */
    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    /**
     * Whether the API says the model itself is unavailable: a 404 that names the model (unknown or retired), or a
     * 400 about the {@code model} parameter ({@code model_not_found}). A task with a fallback model then tries it.
     */
    public boolean modelUnavailable() {
        if (kind != FailureKind.HTTP_STATUS || disposition != Disposition.RECORD) {
            return false;
        }
        return status == 404 || (status == 400 && ("model".equals(param) || "model_not_found".equals(code)));
    }

    /** The server's (scrubbed) message, or the client's description when there was no answer. */
    public String apiMessage() {
        return apiMessage;
    }

    public String requestId() {
        return requestId;
    }

    /** The server's {@code Retry-After}, already capped by the client, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public String model() {
        return model;
    }

    /** HTTP attempts made before giving up (0 when the request was refused before sending). */
    public int attempts() {
        return attempts;
    }

    /** The raw content of an unparseable answer, null otherwise. */
    public String rawContent() {
        return rawContent;
    }

    /** A copy with the attempt count set; used when retries end. */
    public ZeroGpuException withAttempts(int n) {
        if (n == attempts) {
            return this;
        }
        return toBuilder().attempts(n).build(getCause());
    }

    public Builder toBuilder() {
        return new Builder(disposition, kind).status(status).type(type).code(code).param(param).message(apiMessage)
                .requestId(requestId).retryAfter(retryAfter).model(model).attempts(attempts).rawContent(rawContent);
    }

    /** Builder; not thread-safe. */
    public static final class Builder {
        private final Disposition disposition;
        private final FailureKind kind;
        private int status;
        private String type;
        private String code;
        private String param;
        private String apiMessage;
        private String requestId;
        private Duration retryAfter;
        private String model;
        private int attempts = 1;
        private String rawContent;

        private Builder(Disposition disposition, FailureKind kind) {
            this.disposition = Objects.requireNonNull(disposition, "disposition");
            this.kind = Objects.requireNonNull(kind, "kind");
        }

        public Builder status(int v) {
            this.status = v;
            return this;
        }

        public Builder type(String v) {
            this.type = v;
            return this;
        }

        public Builder code(String v) {
            this.code = v;
            return this;
        }

        public Builder param(String v) {
            this.param = v;
            return this;
        }

        public Builder message(String v) {
            this.apiMessage = v;
            return this;
        }

        public Builder requestId(String v) {
            this.requestId = v;
            return this;
        }

        public Builder retryAfter(Duration v) {
            this.retryAfter = v;
            return this;
        }

        public Builder model(String v) {
            this.model = v;
            return this;
        }

        public Builder attempts(int v) {
            this.attempts = v;
            return this;
        }

        public Builder rawContent(String v) {
            this.rawContent = v;
            return this;
        }

        public ZeroGpuException build() {
            return new ZeroGpuException(this, null);
        }

        public ZeroGpuException build(Throwable cause) {
            return new ZeroGpuException(this, cause);
        }
    }
}
