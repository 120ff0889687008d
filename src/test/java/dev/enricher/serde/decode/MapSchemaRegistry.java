package dev.enricher.serde.decode;

import dev.enricher.serde.CompatibilityResult;
import dev.enricher.serde.RegistryException;
import dev.enricher.serde.SchemaRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;

/**
 * A registry that is a map from id to schema, for decoder tests: counts {@link #schemaById} calls, and can be made
 * unreachable. Only {@link #schemaById} and {@link #put} matter here.
 */
final class MapSchemaRegistry implements SchemaRegistry {
    private final Map<Integer, Schema> schemas = new ConcurrentHashMap<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private volatile RegistryException failure;

    MapSchemaRegistry put(int id, Schema schema) {
        schemas.put(id, schema);
        return this;
    }

    /** Every call fails with {@code e} until {@link #heal()}. */
    void failWith(RegistryException e) {
        failure = e;
    }

    void heal() {
        failure = null;
    }

    int lookups() {
        return lookups.get();
    }

    @Override
    public Schema schemaById(int id) {
        lookups.incrementAndGet();
        RegistryException e = failure;
        if (e != null) {
            throw e;
        }
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new RegistryException(RegistryException.Kind.SCHEMA_NOT_FOUND, 404, 40403,
                    "Schema " + id + " not found", null);
        }
        return schema;
    }

    @Override
    public int register(String subject, Schema schema) {
        throw new UnsupportedOperationException("not used by decoders");
    }

    @Override
    public int lookup(String subject, Schema schema) {
        throw new UnsupportedOperationException("not used by decoders");
    }

    @Override
    public CompatibilityResult checkCompatibility(String subject, Schema schema) {
        throw new UnsupportedOperationException("not used by decoders");
    }
}
