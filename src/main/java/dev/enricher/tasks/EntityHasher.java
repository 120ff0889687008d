package dev.enricher.tasks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed hashes of entity texts, so records about the same person can be joined without publishing who it is:
 * {@link #hash} is HMAC-SHA256 of the text's UTF-8 bytes under a secret key (the deployment's
 * {@code privacy.entity-hash-key}), in lowercase hex. Equal texts under the same key hash alike; without the key a
 * hash cannot be recomputed from a guessed text. Texts are hashed exactly as given (no case or whitespace folding).
 *
 * <p>Immutable and thread-safe (a {@link Mac} per call). The key is copied and never appears in
 * {@link #toString()} or in an exception message.
 */
public final class EntityHasher {
    /** The shortest key accepted, in bytes (128 bits). */
    public static final int MIN_KEY_BYTES = 16;
    private static final String ALGORITHM = "HmacSHA256";
    private static final HexFormat HEX = HexFormat.of();

    private final SecretKeySpec key;

    /**
     * @param key the secret, at least {@value #MIN_KEY_BYTES} bytes; copied
     * @throws IllegalArgumentException if it is shorter (the message gives the length, never the key)
     */
    public EntityHasher(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the entity hash key must be at least " + MIN_KEY_BYTES
                    + " bytes, was " + key.length + " bytes");
        }
        this.key = new SecretKeySpec(key, ALGORITHM); // SecretKeySpec keeps its own copy
        mac(); // fail now, not on the first record, if the JDK lacks the algorithm
    }

    /**
     * @param key the secret as text, at least {@value #MIN_KEY_BYTES} bytes in UTF-8
     * @throws IllegalArgumentException if it is shorter (the message gives the length, never the key)
     */
    public EntityHasher(String key) {
        this(utf8(Objects.requireNonNull(key, "key")));
    }

    private static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** HMAC-SHA256 of {@code text}'s UTF-8 bytes, 64 lowercase hex digits. */
    public String hash(String text) {
        Objects.requireNonNull(text, "text");
        return HEX.formatHex(mac().doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac mac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    /** Whether {@code other} hashes under the same key (compared in constant time). */
    @Override
    public boolean equals(Object other) {
        return other instanceof EntityHasher h && MessageDigest.isEqual(key.getEncoded(), h.key.getEncoded());
    }

    @Override
    public int hashCode() {
        return EntityHasher.class.hashCode(); // nothing derived from the key
    }

    @Override
    public String toString() {
        return "EntityHasher[" + ALGORITHM + ", key=***]";
    }
}
