package dev.enricher.tasks;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;

/**
 * One enrichment applied to every event: which model, how its request is built from the event's
 * text, and how the answer's content is parsed into a typed result. Adding a model is adding one task.
 *
 * <p>Implementations are immutable and thread-safe: one instance serves every stream thread.
 */
public interface EnrichmentTask {

    /** The task's name in a pipeline (for example {@code iab}); unique within one pipeline. */
    String name();

    /** The model id sent in the request; configuration, since models are renamed and retired. */
    String model();

    /**
     * A fingerprint of what shapes this task's request and the parsing of its answers (type, model, options, prompt,
     * schema; not the name): equal between two configurations exactly when an answer one of them stored may be used
     * by the other. The default reads a record's components (every task type here is a record of its configuration);
     * a task with hidden configuration must override it.
     */
    default String fingerprint() {
        return TaskFingerprint.of(this);
    }

    /**
     * Builds the request for one event's text.
     *
     * @param text the event's text, never null or blank
     */
    ChatRequest request(String text);

    /**
     * Builds the request for one event: its text, id and attributes. The engine calls this one; the default is
     * {@link #request(String)}, for tasks that read only the text.
     *
     * @throws PromptTemplate.MissingPlaceholderException when the event lacks what the task requires of it (the
     *         event becomes a {@code VALIDATION} dead letter naming it)
     */
    default ChatRequest request(TaskInput input) {
        return request(input.text());
    }

    /**
     * The request for one event after earlier answers of this task were refused ({@link #repairs()}): the
     * conversation goes on with each refused answer and what was wrong with it. The default ignores them (a task
     * that does not repair is never asked).
     *
     * @param refused the refused answers, oldest first; empty for the first request
     */
    default ChatRequest request(TaskInput input, java.util.List<RefusedAnswer> refused) {
        return request(input);
    }

    /**
     * How many times an answer whose content this task refuses (an unparseable-content error from {@link #parse})
     * is sent back to the model for repair before the task fails; 0, the default, for never.
     */
    default int repairs() {
        return 0;
    }

    /**
     * The model this task is tried on, once, when its own model fails for good (retries exhausted, or the API does
     * not know the model); null, the default, for none.
     */
    default String fallbackModel() {
        return null;
    }

    /**
     * Parses the completion's content.
     *
     * @return the typed result, never null
     * @throws dev.enricher.client.ZeroGpuException a {@link dev.enricher.client.Disposition#RECORD} error of kind
     *         {@link dev.enricher.client.FailureKind#UNPARSEABLE_CONTENT} that keeps the raw content, when the content
     *         does not have the model's documented shape
     */
    TaskResult parse(ChatCompletion completion);

    /**
     * Parses the completion's content of the request {@link #request built} from {@code text}, and checks what in it
     * points into that text: for example that span offsets (counted in Unicode code points, as the API counts them)
     * lie in the text and delimit the span's text there. The engine calls this one; the default is
     * {@link #parse(ChatCompletion)}, for types whose answers hold no offsets.
     *
     * @param text the text the request was built from, never null
     * @return the typed result, never null
     * @throws dev.enricher.client.ZeroGpuException as {@link #parse(ChatCompletion)} does, also when the content does
     *         not fit {@code text}
     */
    default TaskResult parse(ChatCompletion completion, String text) {
        return parse(completion);
    }
}
