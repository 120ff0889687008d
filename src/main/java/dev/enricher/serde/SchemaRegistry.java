package dev.enricher.serde;

import org.apache.avro.Schema;

/**
 * A Schema Registry as the Confluent REST API describes it: schemas registered under subjects, each
 * with a global id that the wire format carries. Implemented over HTTP for Confluent Schema Registry,
 * Confluent Cloud, Apicurio ({@code /apis/ccompat/v7}), Karapace and Redpanda, and in memory for the
 * demo and unit tests.
 *
 * <p>Implementations are thread-safe. Calls may block on I/O (the HTTP implementation does): call them
 * at start-up or through {@link CachingSchemaRegistry}, which answers from memory after the first call
 * per schema, never on an event loop.
 */
public interface SchemaRegistry extends AutoCloseable {

    /**
     * Registers {@code schema} under {@code subject}, or finds it there if it already is.
     *
     * @return the schema's global id
     * @throws RegistryException {@link RegistryException.Kind#INCOMPATIBLE} when the subject's compatibility rule
     *                           refuses it (the message quotes the registry), or any other kind
     */
    int register(String subject, Schema schema);

    /**
     * The schema with this global id.
     *
     * @throws RegistryException {@link RegistryException.Kind#SCHEMA_NOT_FOUND} for an unknown id
     */
    Schema schemaById(int id);

    /**
     * The id of {@code schema} under {@code subject} without registering it (for locked-down registries).
     *
     * @throws RegistryException {@link RegistryException.Kind#SUBJECT_NOT_FOUND} or
     *                           {@link RegistryException.Kind#SCHEMA_NOT_FOUND}
     */
    int lookup(String subject, Schema schema);

    /**
     * Whether {@code schema} could be registered under {@code subject} now. A subject that does not exist yet
     * accepts any schema.
     */
    CompatibilityResult checkCompatibility(String subject, Schema schema);

    /** Releases connections; the default does nothing. */
    @Override
    default void close() {
    }
}
