package dev.enricher.cli;

import picocli.CommandLine.Command;

/** Benchmarks; each is a subcommand. */
@Command(name = "bench", description = "Benchmarks that print their figures.",
        subcommands = {BenchClientCommand.class})
final class BenchCommand {
}
