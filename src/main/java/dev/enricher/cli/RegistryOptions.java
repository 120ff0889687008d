package dev.enricher.cli;

import dev.enricher.serde.HttpSchemaRegistry;
import dev.enricher.serde.RegistryConfig;
import dev.enricher.serde.SchemaRegistry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The Schema Registry the Avro records' schema ids refer to (Confluent REST API). */
final class RegistryOptions {
    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Schema Registry speaking the Confluent REST API, e.g. http://127.0.0.1:8081, or Apicurio's "
                    + "http://HOST:8080/apis/ccompat/v7.")
    String url;

    /**
     * A registry client for {@code --registry-url}, or null when it is not given.
     *
     * @throws ParameterException naming {@code --registry-url} when the URL is not usable
     */
    SchemaRegistry open(CommandSpec spec) {
        if (url == null) {
            return null;
        }
        try {
            return new HttpSchemaRegistry(RegistryConfig.of(url));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--registry-url: " + e.getMessage());
        }
    }
}
