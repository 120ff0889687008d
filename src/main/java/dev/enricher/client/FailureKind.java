package dev.enricher.client;

/** What went wrong, finer than {@link Disposition}; used for metrics and dead-letter categories. */
public enum FailureKind {
    /** The server answered with an HTTP error status. */
    HTTP_STATUS,
    /** No complete answer within the request timeout. */
    TIMEOUT,
    /** The connection could not be opened (refused, unresolvable, connect timeout). */
    CONNECT,
    /** The connection broke while the request was in flight (reset, closed). */
    CONNECTION_LOST,
    /** A 2xx answer whose body is not a chat completion. */
    MALFORMED_RESPONSE,
    /** A well-formed completion whose content the task could not parse. */
    UNPARSEABLE_CONTENT,
    /** The request was refused before sending (client closed, invalid request). */
    REJECTED
}
