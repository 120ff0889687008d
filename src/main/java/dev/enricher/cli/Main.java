package dev.enricher.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code stream-enricher}: parses the command line and delegates to a subcommand. */
@Command(name = "stream-enricher",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Enriches a Kafka stream of text events through the ZeroGPU chat-completions API.",
        subcommands = {RunCommand.class, ValidateConfigCommand.class, DemoCommand.class, LocalKafkaCommand.class,
                ProduceCommand.class, TailCommand.class, ReplayDlqCommand.class, SimulatorCommand.class, ChaosCommand.class,
                BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests run commands through it without exiting the JVM. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
