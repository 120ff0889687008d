package dev.enricher.topology;

import java.util.List;
import java.util.Objects;

/**
 * What the service keeps out of its outputs ({@code privacy:} in the configuration). Off by default.
 *
 * @param redactWith        the PII task (in its redact usecase) that runs first on every event: every other task that
 *                          reads the event's text reads its redacted text instead, the enriched record carries only
 *                          the redacted text, and its result keeps labels, offsets and scores but no entity text; null
 *                          for none
 * @param dropAttributes    event attributes never sent to a task nor written to the enriched record; empty for none
 * @param dropDeadLetterValue true when dead letters keep only the source coordinates (topic, partition, offset) to
 *                          re-read the input from, not its key, value and headers (nor a model's raw answer)
 * @param entityHashKey     the secret of the keyed hash (HMAC-SHA256) kept per PII entity instead of its text, for
 *                          joining records about the same person; null for no hash. Never printed.
 */
public record Privacy(String redactWith, List<String> dropAttributes, boolean dropDeadLetterValue,
                      String entityHashKey) {
    /** No privacy option: outputs carry what the tasks return. */
    public static final Privacy NONE = new Privacy(null, List.of(), false, null);

    public Privacy {
        dropAttributes = dropAttributes == null ? List.of() : List.copyOf(dropAttributes);
        if (redactWith != null && redactWith.isBlank()) {
            throw new IllegalArgumentException("privacy.redact-with must name a PII task, was blank");
        }
        if (entityHashKey != null && redactWith == null) {
            throw new IllegalArgumentException("privacy.entity-hash-key is set but privacy.redact-with is not: the "
                    + "hash replaces entity texts only when a PII task redacts");
        }
    }

    /** True when outputs must hold no raw personal data found by {@link #redactWith}. */
    public boolean redacts() {
        return redactWith != null;
    }

    /** As a record's, with the key masked. */
    @Override
    public String toString() {
        return "Privacy[redactWith=" + redactWith + ", dropAttributes=" + dropAttributes + ", dropDeadLetterValue="
                + dropDeadLetterValue + ", entityHashKey=" + (entityHashKey == null ? null : "****") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Privacy p && Objects.equals(p.redactWith, redactWith)
                && p.dropAttributes.equals(dropAttributes) && p.dropDeadLetterValue == dropDeadLetterValue
                && Objects.equals(p.entityHashKey, entityHashKey);
    }

    @Override
    public int hashCode() {
        return Objects.hash(redactWith, dropAttributes, dropDeadLetterValue, entityHashKey);
    }
}
