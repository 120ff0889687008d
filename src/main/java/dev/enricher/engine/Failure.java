package dev.enricher.engine;

import dev.enricher.avro.DeadLetterCategory;
import java.util.Objects;

/**
 * Why an event (or one of its tasks) could not be enriched: everything a dead letter says about it.
 * Never holds the API key (the client scrubs it from every error field it keeps).
 *
 * @param category       the dead-letter category
 * @param reason         what went wrong and what to do about it, for a person; never null
 * @param task           the failed task's name; null when the failure is not a task's (decoding)
 * @param model          the failed task's model; null when not a task's
 * @param httpStatus     the HTTP status of the last attempt; null when there was no HTTP answer
 * @param errorType      the API's error type or the exception's class; null when none
 * @param errorCode      the API's error code; null when none
 * @param errorMessage   the API's or decoder's own message; null when none
 * @param requestId      the API request id of the last attempt; null when none
 * @param attempts       attempts made; null when the API was never called
 * @param firstAttemptAt epoch milliseconds of the first attempt; null when the API was never called
 * @param lastAttemptAt  epoch milliseconds of the last attempt; null when the API was never called
 * @param rawContent     the model's answer as received, for {@link DeadLetterCategory#RESPONSE_UNPARSEABLE}; else null
 */
public record Failure(DeadLetterCategory category, String reason, String task, String model, Integer httpStatus,
                      String errorType, String errorCode, String errorMessage, String requestId, Integer attempts,
                      Long firstAttemptAt, Long lastAttemptAt, String rawContent) {
    public Failure {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(reason, "reason");
    }

    /** This failure with another reason. */
    public Failure withReason(String newReason) {
        return new Failure(category, newReason, task, model, httpStatus, errorType, errorCode, errorMessage, requestId,
                attempts, firstAttemptAt, lastAttemptAt, rawContent);
    }

    /** This failure of another model (a task's fallback). */
    public Failure withModel(String newModel) {
        return new Failure(category, reason, task, newModel, httpStatus, errorType, errorCode, errorMessage, requestId,
                attempts, firstAttemptAt, lastAttemptAt, rawContent);
    }

    /** A failure that is not a task's: decoding, validation, serialization of the output, a bug. */
    public static Failure of(DeadLetterCategory category, String reason, String errorType, String errorMessage) {
        return new Failure(category, reason, null, null, null, errorType, null, errorMessage, null, null, null, null,
                null);
    }
}
