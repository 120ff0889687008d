package dev.enricher.config;

import java.util.List;

/**
 * A configuration that cannot be used. Its message lists every problem found (not just the first), one per line, each
 * naming the key, what is wrong and what would be valid. Never quotes a secret's value.
 */
public final class ConfigException extends RuntimeException {
    /**
     * @param key     the dotted key (or a description such as {@code tasks[1].options}); never null
     * @param message what is wrong and how to fix it
     */
    record Problem(String key, String message) {
        @Override
        public String toString() {
            return key + ": " + message;
        }
    }

    ConfigException(String source, List<Problem> problems) {
        super(describe(source, problems));
    }

    private static String describe(String source, List<Problem> problems) {
        StringBuilder s = new StringBuilder("configuration ").append(source).append(" has ").append(problems.size())
                .append(problems.size() == 1 ? " problem:" : " problems:");
        for (Problem p : problems) {
            s.append(System.lineSeparator()).append("  - ").append(p);
        }
        return s.toString();
    }
}
