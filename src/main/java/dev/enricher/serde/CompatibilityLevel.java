package dev.enricher.serde;

/**
 * A subject's compatibility rule, as the Confluent registry names them. "Backward" means consumers using the
 * new schema can read data written with the old one (upgrade consumers first); "forward" means consumers
 * still on the old schema can read data written with the new one (upgrade producers first).
 */
public enum CompatibilityLevel {
    /** Any change is accepted. */
    NONE(false, false, false),
    /** The new schema reads data of the latest version. */
    BACKWARD(true, false, false),
    /** The new schema reads data of every version. */
    BACKWARD_TRANSITIVE(true, false, true),
    /** The latest version reads data of the new schema. */
    FORWARD(false, true, false),
    /** Every version reads data of the new schema. */
    FORWARD_TRANSITIVE(false, true, true),
    /** Both BACKWARD and FORWARD against the latest version. */
    FULL(true, true, false),
    /** Both BACKWARD and FORWARD against every version. */
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Whether the new schema must read the old versions' data. */
    public boolean backward() {
        return backward;
    }

    /** Whether the old versions must read the new schema's data. */
    public boolean forward() {
        return forward;
    }

    /** Whether every version is checked, not only the latest. */
    public boolean transitive() {
        return transitive;
    }
}
