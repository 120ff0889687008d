package dev.enricher.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * An API key. {@link #toString()} is masked, so a key that reaches a log line, a metric tag or an
 * exception message by accident shows as {@code zgpu-***}; only {@link #reveal()} gives the value,
 * and only the HTTP layer calls it.
 */
public final class ApiKey {
    /** The environment variable the service and the CLI read the key from. */
    public static final String ENV_VAR = "ZEROGPU_API_KEY";

    private final String value;

    private ApiKey(String value) {
        this.value = value;
    }

    /**
     * @throws IllegalArgumentException when blank or holding whitespace or control characters
     *                                  (a pasted newline is the usual cause); the message never shows the key
     */
    public static ApiKey of(String value) {
        Objects.requireNonNull(value, "api key");
        String v = value.strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("API key is empty: set " + ENV_VAR + " or point the key file at a file holding it");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("API key holds whitespace or a control character at position " + i
                        + ": copy it again without spaces or line breaks");
            }
        }
        return new ApiKey(v);
    }

    /** The key in {@code ZEROGPU_API_KEY}, if set and not blank. */
    public static Optional<ApiKey> fromEnvironment() {
        String v = System.getenv(ENV_VAR);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(of(v));
    }

    /** Reads a key from a file (a mounted Kubernetes secret, say); surrounding whitespace is dropped. */
    public static ApiKey fromFile(Path file) {
        try {
            return of(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read API key file " + file + ": " + e.getClass().getSimpleName()
                    + " (check the path and that the service may read it)");
        }
    }

    /** The secret value. Only for the wire. */
    public String reveal() {
        return value;
    }

    /** Replaces every occurrence of the key in {@code text} with its mask; null stays null. */
    public String scrub(String text) {
        if (text == null || !text.contains(value)) {
            return text;
        }
        return text.replace(value, toString());
    }

    @Override
    public String toString() {
        int dash = value.indexOf('-');
        String prefix = dash > 0 && dash <= 5 ? value.substring(0, dash + 1) : "";
        return prefix + "***";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiKey k && k.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
