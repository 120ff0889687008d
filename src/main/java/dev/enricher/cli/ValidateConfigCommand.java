package dev.enricher.cli;

import dev.enricher.config.ConfigException;
import dev.enricher.config.EnricherConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import dev.enricher.topology.RecordAssembler;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher validate-config --config FILE}: checks a configuration without starting anything (no
 * broker, registry or API is contacted). Exit code 0 when valid (the effective configuration is printed, secrets
 * masked), 2 with every problem listed otherwise.
 */
@Command(name = "validate-config", mixinStandardHelpOptions = true,
        description = "Checks a configuration file (with the environment's overrides) without starting the service.")
final class ValidateConfigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration.")
    Path config;

    @Option(names = "--print-schema", description = "Print only the Avro schema of the enriched topic's values that "
            + "this configuration produces (what a consumer generates its classes from, e.g. with avro-maven-plugin), "
            + "instead of the effective configuration.")
    boolean printSchema;

    @Override
    public Integer call() {
        try {
            EnricherConfig cfg = EnricherConfig.load(config);
            if (printSchema) {
                spec.commandLine().getOut().println(RecordAssembler.enrichedSchema(cfg.tasks()).toString(true));
                spec.commandLine().getOut().flush();
                return 0;
            }
            spec.commandLine().getOut().print(cfg.describe());
            spec.commandLine().getOut().println("configuration " + config + " is valid");
            spec.commandLine().getOut().flush();
            return 0;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            spec.commandLine().getErr().flush();
            return 2;
        }
    }
}
