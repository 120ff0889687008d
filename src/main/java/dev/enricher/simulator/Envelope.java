package dev.enricher.simulator;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The chat-completion envelope exactly as observed on the real API, and the ids it carries. */
final class Envelope {
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private Envelope() {
    }

    /**
     * The envelope exactly as observed on the real API (field order included), written compactly with the
     * streaming generator.
     */
    static byte[] completionBytes(String model, String content, int promptTokens, int completionTokens) {
        com.fasterxml.jackson.core.util.ByteArrayBuilder out =
                new com.fasterxml.jackson.core.util.ByteArrayBuilder(512 + content.length() + (content.length() >> 2));
        try (com.fasterxml.jackson.core.JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", uuid());
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", System.currentTimeMillis() / 1000);
            g.writeStringField("model", model);
            g.writeStringField("service_tier", "default");
            g.writeNullField("system_fingerprint");
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            g.writeStringField("content", content);
            g.writeNullField("refusal");
            g.writeArrayFieldStart("annotations");
            g.writeEndArray();
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", "stop");
            g.writeEndObject();
            g.writeEndArray();
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", promptTokens);
            g.writeNumberField("completion_tokens", completionTokens);
            g.writeNumberField("total_tokens", promptTokens + completionTokens);
            g.writeObjectFieldStart("prompt_tokens_details");
            g.writeNumberField("cached_tokens", 0);
            g.writeNumberField("audio_tokens", 0);
            g.writeEndObject();
            g.writeObjectFieldStart("completion_tokens_details");
            g.writeNumberField("reasoning_tokens", 0);
            g.writeNumberField("audio_tokens", 0);
            g.writeNumberField("accepted_prediction_tokens", 0);
            g.writeNumberField("rejected_prediction_tokens", 0);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
        return out.toByteArray();
    }

    private static final byte[] MODEL_FIELD = ",\"model\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The envelope's bytes from {@code ,"model":} to the end: everything that depends on the answer only, so a
     * repeated request can reuse it and get a fresh {@code id} and {@code created} from {@link #withIdentity}.
     */
    static byte[] completionTail(String model, String content, int promptTokens, int completionTokens) {
        byte[] full = completionBytes(model, content, promptTokens, completionTokens);
        // The id is a UUID and "object" a constant: the first ,"model": is the field, never text in the content.
        for (int i = 0; i <= full.length - MODEL_FIELD.length; i++) {
            if (java.util.Arrays.equals(full, i, i + MODEL_FIELD.length, MODEL_FIELD, 0, MODEL_FIELD.length)) {
                return java.util.Arrays.copyOfRange(full, i, full.length);
            }
        }
        throw new IllegalStateException("envelope without a model field");
    }

    /** A whole envelope: a fresh id and creation time in front of a {@link #completionTail}. */
    static io.vertx.core.buffer.Buffer withIdentity(byte[] tail) {
        return io.vertx.core.buffer.Buffer.buffer(tail.length + 100)
                .appendString("{\"id\":\"").appendString(uuid())
                .appendString("\",\"object\":\"chat.completion\",\"created\":")
                .appendString(Long.toString(System.currentTimeMillis() / 1000))
                .appendBytes(tail);
    }

    /** A version-4 UUID from the thread-local generator: {@link UUID#randomUUID()} contends on SecureRandom. */
    static String uuid() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** {@code req_} and 24 random alphanumerics. */
    static String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[28];
        c[0] = 'r';
        c[1] = 'e';
        c[2] = 'q';
        c[3] = '_';
        for (int i = 4; i < c.length; i++) {
            c[i] = ALPHABET[r.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
