package dev.enricher.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How {@code replay-dlq} commits: where it starts reading, what it commits, and whether it sends at all. */
final class ReplayCommitOptions {
    @Option(names = "--dry-run", description = "Print the dead letters that would be replayed, one JSON document per "
            + "line; send and commit nothing.")
    boolean dryRun;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Start at this consumer group's committed offsets and commit the offsets of what was read "
                    + "in the same transaction as the replayed records, so a second run replays only newer dead "
                    + "letters (default: start at the beginning, commit nothing).")
    String group;

    @Option(names = "--transactional-id", paramLabel = "ID",
            description = "Transactional id of the producer (default: stream-enricher-replay-dlq-<from>-<to>; two runs "
                    + "with the same id fence each other).")
    String transactionalId;

    /** @throws ParameterException naming the option whose value cannot be used */
    void validate(CommandSpec spec) {
        if (group != null && group.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--group is blank: give a group id or leave it out");
        }
    }

    /** {@code --transactional-id}, or the default for replaying {@code from} into {@code to}. */
    String transactionalId(String from, String to) {
        return transactionalId != null ? transactionalId : "stream-enricher-replay-dlq-" + from + "-" + to;
    }
}
