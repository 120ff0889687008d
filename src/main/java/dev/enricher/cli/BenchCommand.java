package dev.enricher.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Benchmarks; each is a subcommand that prints its figures, the last line machine-readable. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print their figures.",
        subcommands = {BenchClientCommand.class, BenchSerdeCommand.class, BenchPipelineCommand.class,
            BenchPeersCommand.class, BenchScaleCommand.class})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
