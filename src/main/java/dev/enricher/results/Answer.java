package dev.enricher.results;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.Choice;
import dev.enricher.client.Usage;
import dev.enricher.results.avro.StoredAnswer;
import dev.enricher.serde.GeneratedClassTrust;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * One accepted model answer as the call-results topic keeps it: the completion (content, ids, usage), the task and
 * model it answered, and when it was stored (entries older than the TTL are not served). Immutable.
 *
 * @param task       the task whose call it answered
 * @param model      the model asked
 * @param completion the answer, with the request id and usage of the call that paid for it
 * @param storedAt   epoch milliseconds the answer was accepted
 */
public record Answer(String task, String model, ChatCompletion completion, long storedAt) {
    private static final BinaryMessageEncoder<StoredAnswer> ENCODER;
    private static final BinaryMessageDecoder<StoredAnswer> DECODER;

    static {
        GeneratedClassTrust.install();
        ENCODER = StoredAnswer.getEncoder();
        DECODER = StoredAnswer.getDecoder();
    }

    public Answer {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(completion, "completion");
    }

    /** The bytes of the topic record's value (Avro single-object encoding). */
    public byte[] encode() {
        Usage u = completion.usage();
        Choice first = completion.choices().get(0);
        StoredAnswer a = StoredAnswer.newBuilder().setStoredAt(java.time.Instant.ofEpochMilli(storedAt)).setTask(task)
                .setModel(model).setCompletionId(completion.id()).setResponseModel(completion.model())
                .setRequestId(completion.requestId()).setContent(first.content() == null ? "" : first.content())
                .setFinishReason(first.finishReason())
                .setPromptTokens(u == Usage.NONE ? null : u.promptTokens())
                .setCompletionTokens(u == Usage.NONE ? null : u.completionTokens())
                .setLatencyMs(completion.latency().toMillis()).build();
        try {
            ByteBuffer b = ENCODER.encode(a);
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an answer", e);
        }
    }

    /**
     * Reads a topic record's value.
     *
     * @throws IllegalArgumentException when the bytes are not a stored answer of a schema this version knows
     */
    public static Answer decode(byte[] value) {
        StoredAnswer a;
        try {
            a = DECODER.decode(value);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a stored answer this version can read: " + e.getMessage(), e);
        }
        ChatCompletion completion = ChatCompletion.kept(a.getCompletionId(), a.getResponseModel(), a.getContent(),
                a.getFinishReason(), a.getPromptTokens(), a.getCompletionTokens(), a.getRequestId(), 1,
                a.getLatencyMs());
        return new Answer(a.getTask(), a.getModel(), completion, a.getStoredAt().toEpochMilli());
    }

    /** Roughly the bytes this answer holds in memory, for the cache's size bound. */
    int weight() {
        Choice first = completion.choices().get(0);
        int content = first.content() == null ? 0 : first.content().length();
        return 256 + 2 * (content + task.length() + model.length());
    }
}
