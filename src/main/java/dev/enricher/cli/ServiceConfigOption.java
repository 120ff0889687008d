package dev.enricher.cli;

import dev.enricher.config.ConfigException;
import dev.enricher.config.EnricherConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The service's own configuration file, for the operator tools that reach what the service reaches ({@code tail},
 * {@code replay-dlq}): read exactly as {@code run} reads it, so the registry's credentials and TLS stores and the
 * Kafka security settings are the service's, secrets included, without being typed again.
 */
final class ServiceConfigOption {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The service's configuration (enricher.yaml), read as `run` reads it (${ENV_VAR} "
                    + "substitution, ENRICHER_* overrides; no API key needed). Its registry.* settings (URL, basic "
                    + "auth or bearer token, TLS trust and key stores), kafka.bootstrap-servers and the connection "
                    + "settings under streams: (security.protocol, ssl.*, sasl.*) are used; options given on the "
                    + "command line override them.")
    Path file;

    /** The environment the file is read with; tests set another. */
    Map<String, String> env = System.getenv();

    /**
     * The configuration, or null without {@code --config}.
     *
     * @throws ParameterException naming {@code --config} and every problem of the file
     */
    EnricherConfig load(CommandSpec spec) {
        if (file == null) {
            return null;
        }
        try {
            return EnricherConfig.loadForTools(file, env);
        } catch (ConfigException e) {
            throw new ParameterException(spec.commandLine(), "--config: " + e.getMessage());
        }
    }
}
