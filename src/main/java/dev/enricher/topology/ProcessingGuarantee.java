package dev.enricher.topology;

/** Kafka Streams' {@code processing.guarantee}, the two this service supports. */
public enum ProcessingGuarantee {
    /** Every input ends as at least one output; a crash may repeat some. */
    AT_LEAST_ONCE("at_least_once"),
    /** Every input ends as exactly one output for read_committed consumers; outputs, store and offsets commit together. */
    EXACTLY_ONCE_V2("exactly_once_v2");

    private final String streamsValue;

    ProcessingGuarantee(String streamsValue) {
        this.streamsValue = streamsValue;
    }

    /** The value of Kafka Streams' {@code processing.guarantee}. */
    public String streamsValue() {
        return streamsValue;
    }

    /** Parses {@code at_least_once} or {@code exactly_once_v2} (case and dashes ignored). */
    public static ProcessingGuarantee parse(String s) {
        String v = s == null ? "" : s.trim().toLowerCase(java.util.Locale.ROOT).replace('-', '_');
        for (ProcessingGuarantee g : values()) {
            if (g.streamsValue.equals(v)) {
                return g;
            }
        }
        throw new IllegalArgumentException("processing guarantee '" + s + "' is not one of at_least_once, exactly_once_v2");
    }
}
