package dev.enricher.serde;

import java.util.List;

/**
 * The registry's verdict on a schema change.
 *
 * @param compatible whether the subject's rule accepts the schema
 * @param messages   the registry's reasons when it refuses, as it wrote them; empty when compatible or not given
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    public static CompatibilityResult ok() {
        return new CompatibilityResult(true, List.of());
    }
}
