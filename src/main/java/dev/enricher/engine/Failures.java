package dev.enricher.engine;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.client.FailureKind;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.serde.decode.DecodeException;
import dev.enricher.tasks.EnrichmentTask;
import java.time.Duration;

/** Builds the {@link Failure} a dead letter reports, from what went wrong; reasons are written for a person. */
final class Failures {
    private Failures() {
    }

    static DeadLetterCategory category(DecodeException.Reason reason) {
        switch (reason) {
            case TOO_LARGE:
                return DeadLetterCategory.OVERSIZED;
            case NULL_VALUE:
            case EMPTY_VALUE:
            case NOT_A_JSON_OBJECT:
            case NO_TEXT_FIELD:
            case TEXT_NOT_A_STRING:
            case EMPTY_TEXT:
            case ID_NOT_SCALAR:
            case NO_TEXT_IN_RECORD:
                return DeadLetterCategory.VALIDATION;
            default:
                return DeadLetterCategory.DESERIALIZATION;
        }
    }

    static Failure decoding(DecodeException e) {
        return Failure.of(category(e.reason()), e.getMessage(), "DecodeException." + e.reason().name(), e.getMessage());
    }

    /** The task's answer could not be parsed, or the API refused this record. */
    static Failure recordError(EnrichmentTask task, ZeroGpuException e) {
        if (e.kind() == FailureKind.UNPARSEABLE_CONTENT) {
            return api(DeadLetterCategory.RESPONSE_UNPARSEABLE, "the answer of model " + task.model() + " for task '"
                    + task.name() + "' does not have the documented shape (" + e.apiMessage()
                    + "); raw_content holds it. Replay the record once the model or the task's parser is fixed", task, e);
        }
        if ("context_length_exceeded".equals(e.code())) {
            // The token estimate is calibrated, not a strict bound (TokenEstimate): say which setting leaves headroom.
            return api(DeadLetterCategory.API_RECORD_ERROR, "the model " + task.model() + " counted more tokens in "
                    + "the input of task '" + task.name() + "' than it takes (" + describe(e) + "). Give the task "
                    + "on-long-input: chunk or truncate, or, when it has one, a max-input-tokens below the model's limit "
                    + "(this text counts more tokens at the model than the estimate), then replay it", task, e);
        }
        return api(DeadLetterCategory.API_RECORD_ERROR, "the API refused this record for task '" + task.name()
                + "' (" + describe(e) + "). It will fail the same way again: fix the input or the task's settings, "
                + "then replay it", task, e);
    }

    static Failure retriesExhausted(EnrichmentTask task, ZeroGpuException e, int attempts, Duration elapsed) {
        return api(DeadLetterCategory.API_RETRIES_EXHAUSTED, "task '" + task.name() + "' gave up after " + attempts
                + " attempts over " + elapsed.toSeconds() + " s; the last failed with " + describe(e)
                + ". Replay the record when the API is healthy again", task, e);
    }

    /** The event lacks what the task requires of it (a placeholder its template requires): the record's fault. */
    static Failure missingInput(EnrichmentTask task, RuntimeException e) {
        return new Failure(DeadLetterCategory.VALIDATION, e.getMessage() + ": add it upstream, or take it out of the "
                + "task's required list, then replay the record", task.name(), task.model(), null,
                e.getClass().getName(), null, e.getMessage(), null, null, null, null, null);
    }

    /** A task's condition failed on the event (a VALIDATION dead letter naming the task and why). */
    static Failure conditionFailed(EnrichmentTask task, RuntimeException e) {
        return new Failure(DeadLetterCategory.VALIDATION, e.getMessage(), task.name(), task.model(), null,
                e.getClass().getSimpleName(), null, null, null, null, null, null, null);
    }

    /**
     * Task {@code task} depends on task {@code upstream}, which failed for good with {@code cause}: it fails too,
     * in the upstream's category, naming both.
     */
    static Failure dependencyFailed(EnrichmentTask task, String upstream, Failure cause) {
        return new Failure(cause.category(), "task '" + task.name() + "' depends on task '" + upstream
                + "', which failed: " + cause.reason(), task.name(), task.model(), null, null, null, null, null, null,
                null, null, null);
    }

    static Failure taskBug(EnrichmentTask task, RuntimeException e) {
        return new Failure(DeadLetterCategory.INTERNAL, "task '" + task.name() + "' failed to build its request: "
                + e.getClass().getSimpleName() + ": " + e.getMessage(), task.name(), task.model(), null,
                e.getClass().getName(), null, e.getMessage(), null, null, null, null, null);
    }

    static Failure serialization(RuntimeException e) {
        return Failure.of(DeadLetterCategory.SERIALIZATION, "the enriched record could not be serialized: "
                + e.getMessage(), e.getClass().getName(), e.getMessage());
    }

    private static Failure api(DeadLetterCategory category, String reason, EnrichmentTask task, ZeroGpuException e) {
        return new Failure(category, reason, task.name(), task.model(), e.status() > 0 ? e.status() : null,
                e.type() != null ? e.type() : e.kind().name(), e.code(), e.apiMessage(), e.requestId(), null, null, null,
                e.rawContent());
    }

    private static String describe(ZeroGpuException e) {
        StringBuilder s = new StringBuilder();
        if (e.status() > 0) {
            s.append("HTTP ").append(e.status());
        } else {
            s.append(e.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        }
        if (e.code() != null) {
            s.append(' ').append(e.code());
        }
        if (e.apiMessage() != null) {
            s.append(": ").append(e.apiMessage());
        }
        if (e.requestId() != null) {
            s.append(" [request id ").append(e.requestId()).append(']');
        }
        return s.toString();
    }
}
