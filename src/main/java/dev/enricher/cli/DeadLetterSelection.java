package dev.enricher.cli;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.tools.ReplayPlan;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Which dead letters {@code replay-dlq} replays, and how often one may be: the options of a {@link ReplayPlan}. */
final class DeadLetterSelection {
    @Option(names = "--category", split = ",", paramLabel = "CATEGORY",
            description = "Replay only these categories (case-insensitive, comma-separated or repeated): "
                    + "${COMPLETION-CANDIDATES}.")
    List<DeadLetterCategory> categories = new ArrayList<>();

    @Option(names = "--since", paramLabel = "TIME", converter = Since.Converter.class,
            description = "Replay only dead letters written at or after TIME: an ISO-8601 instant "
                    + "(2026-11-25T10:00:00Z) or a duration back from now (30m, 1h, 2d); compared with "
                    + "dead_lettered_at, or the dead-letter record's timestamp when that is missing.")
    Since since;

    @Option(names = "--max", paramLabel = "N", description = "Replay at most N dead letters, then stop.")
    Long max;

    @Option(names = "--max-replays", defaultValue = "3", paramLabel = "M",
            description = "Refuse a dead letter already replayed M times (default: ${DEFAULT-VALUE}).")
    int maxReplays;

    /**
     * The plan, with {@code --since} durations counted back from {@code now}.
     *
     * @throws ParameterException naming the option when a value is out of range
     */
    ReplayPlan plan(CommandSpec spec, Instant now) {
        if (max != null && max < 1) {
            throw new ParameterException(spec.commandLine(), "--max " + max + " must be at least 1");
        }
        if (maxReplays < 1) {
            throw new ParameterException(spec.commandLine(), "--max-replays " + maxReplays + " must be at least 1");
        }
        Set<DeadLetterCategory> selected = categories.isEmpty() ? Set.of() : EnumSet.copyOf(categories);
        return new ReplayPlan(selected, since == null ? null : since.cutoff(now), maxReplays);
    }
}
