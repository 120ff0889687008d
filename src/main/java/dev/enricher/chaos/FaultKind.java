package dev.enricher.chaos;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The faults a chaos run injects, by the names {@code --faults} takes. */
public enum FaultKind {
    /** SIGKILL an instance (no close, no commit), start it again on its state directory. */
    KILL("kill"),
    /** Stop an instance gracefully (SIGTERM: it leaves the group), start it again: a rebalance both ways. */
    STOP("stop"),
    /** Stop the broker and start it again on its data and port. */
    BROKER_RESTART("broker-restart"),
    /** Every API call answered 503 for longer than {@code max.poll.interval.ms}. */
    OUTAGE("outage"),
    /** Every API call answered 429 with {@code Retry-After}. */
    STORM("429-storm"),
    /** A share of API calls answered only after the client's request timeout. */
    SLOW("slow"),
    /** A share of API connections reset without an answer. */
    RESET("reset");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    /** The name on the command line and in the report. */
    public String label() {
        return label;
    }

    /** Whether the fault acts on an instance (and needs one to act on). */
    boolean onInstance() {
        return this == KILL || this == STOP;
    }

    /**
     * Parses a comma-separated list such as {@code kill,stop,outage}.
     *
     * @throws IllegalArgumentException naming the unknown entry and the known ones
     */
    public static Set<FaultKind> parseList(String text) {
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (String part : text.split(",")) {
            String p = part.strip().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            kinds.add(Arrays.stream(values()).filter(k -> k.label.equals(p)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown fault '" + part.strip() + "'; known: "
                            + all())));
        }
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no fault named; known: " + all());
        }
        return kinds;
    }

    /** Every fault's label, comma-separated. */
    public static String all() {
        return Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(","));
    }
}
