package dev.enricher.serde;

import java.util.Objects;

/**
 * Every failure of a {@link SchemaRegistry}, typed by what happened so callers and operators can act:
 * the message names the registry operation, the subject or id, and quotes the registry's own message.
 * Never carries credentials.
 */
public final class RegistryException extends RuntimeException {

    /** What went wrong. */
    public enum Kind {
        /** No answer: connection refused, DNS, TLS handshake, timeout. Check the URL and the network. */
        UNREACHABLE,
        /** 401 or 403: check the registry credentials. */
        UNAUTHORIZED,
        /** The subject does not exist (Confluent error 40401). */
        SUBJECT_NOT_FOUND,
        /** The schema or id does not exist (40403, or 40402 for a version). */
        SCHEMA_NOT_FOUND,
        /** The subject's compatibility rule refuses the schema (409). */
        INCOMPATIBLE,
        /** The registry cannot parse the schema (42201). */
        INVALID_SCHEMA,
        /** Anything else the registry answered with an error (5xx, unexpected bodies). */
        REGISTRY_ERROR
    }

    private final Kind kind;
    private final int status;
    private final int errorCode;

    public RegistryException(Kind kind, int status, int errorCode, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.status = status;
        this.errorCode = errorCode;
    }

    public RegistryException(Kind kind, String message) {
        this(kind, 0, 0, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** HTTP status, 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The Confluent {@code error_code} (40401, 40403, 409, 42201, ...), 0 when none. */
    public int errorCode() {
        return errorCode;
    }
}
