package dev.enricher.tasks;

/**
 * Content that does not have a model's documented shape. Internal to the parsers: {@link ContentParser}
 * turns it into {@link dev.enricher.client.ZeroGpuException#unparseableContent} before it leaves a task.
 *
 * <p>The message says what was expected, what was found (a JSON type, never the value) and where
 * (a JSON path such as {@code $.content.iab_1_0[2].score}): the content itself is kept separately as
 * the error's raw content, and may hold personal data that must not spread into logs.
 */
final class ContentShapeException extends RuntimeException {

    ContentShapeException(String reason) {
        // No stack trace: this is an expected outcome of parsing model output, not a bug.
        super(reason, null, false, false);
    }
}
