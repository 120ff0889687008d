package dev.enricher.cli;

import dev.enricher.config.EnricherConfig;
import dev.enricher.serde.HttpSchemaRegistry;
import dev.enricher.serde.RegistryConfig;
import dev.enricher.serde.SchemaRegistry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The Schema Registry the Avro records' schema ids refer to (Confluent REST API): {@code --registry-url}, or the
 * service's own registry settings from {@code --config} (URL, credentials, TLS), the URL overridden by
 * {@code --registry-url} when both are given.
 */
final class RegistryOptions {
    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Schema Registry speaking the Confluent REST API, e.g. http://127.0.0.1:8081, or Apicurio's "
                    + "http://HOST:8080/apis/ccompat/v7. With --config, overrides registry.url and keeps the file's "
                    + "credentials and TLS settings.")
    String url;

    /**
     * A registry client, or null when neither {@code --registry-url} nor a usable registry in {@code service} is given
     * ({@code registry.url: memory} is inside the service's process: no other process can read it).
     *
     * @param service the service's configuration from {@code --config}; null without
     * @throws ParameterException naming {@code --registry-url} when the URL is not usable
     */
    SchemaRegistry open(CommandSpec spec, EnricherConfig service) {
        RegistryConfig config;
        try {
            if (service != null && !service.inMemoryRegistry()) {
                config = url == null ? service.registry() : service.registry().withUrl(url);
            } else if (url != null) {
                config = RegistryConfig.of(url);
            } else {
                return null;
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--registry-url: " + e.getMessage());
        }
        return new HttpSchemaRegistry(config);
    }

    /** True when {@link #open} finds a registry. */
    boolean given(EnricherConfig service) {
        return url != null || (service != null && !service.inMemoryRegistry());
    }

    /** What to check when the registry fails. */
    static String check() {
        return "check --registry-url, or the registry.* settings (credentials, TLS) of --config";
    }
}
