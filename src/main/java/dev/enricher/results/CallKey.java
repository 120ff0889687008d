package dev.enricher.results;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The content key of one model call: SHA-256 over the model, the task's fingerprint (type, options, prompt, output
 * schema, input: whatever shapes its request and its parsing) and the exact request body. Two calls with the same key
 * ask the same question of the same model for the same task, so one's answer serves the other. Immutable; equal by
 * content; its bytes are the call-results topic's record key.
 */
public final class CallKey {
    /** Bytes of a key: a SHA-256 digest. */
    public static final int BYTES = 32;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must have", e);
        }
    });

    private final byte[] bytes;
    private final int hash;

    private CallKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /**
     * The key of a call of {@code model} for a task with {@code fingerprint} sending {@code body}. Fields are
     * length-prefixed, so no two different triples hash the same bytes.
     */
    public static CallKey of(String model, String fingerprint, byte[] body) {
        MessageDigest d = SHA256.get();
        d.reset();
        field(d, model.getBytes(StandardCharsets.UTF_8));
        field(d, fingerprint.getBytes(StandardCharsets.UTF_8));
        field(d, body);
        return new CallKey(d.digest());
    }

    /**
     * A key read back from the topic.
     *
     * @throws IllegalArgumentException when {@code bytes} is not a 32-byte digest
     */
    public static CallKey fromBytes(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a call key has " + BYTES + " bytes, this one " + bytes.length);
        }
        return new CallKey(bytes.clone());
    }

    private static void field(MessageDigest d, byte[] value) {
        int n = value.length;
        d.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        d.update(value);
    }

    /** The digest (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CallKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** The digest in hex: safe for logs (it reveals nothing of the text). */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
