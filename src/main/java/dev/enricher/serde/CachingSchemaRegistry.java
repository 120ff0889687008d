package dev.enricher.serde;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;

/**
 * A {@link SchemaRegistry} that answers from memory after the first call: ids per (subject, schema) for
 * {@link #register} and {@link #lookup}, schemas per id for {@link #schemaById}. Registered schemas and ids
 * never change in a registry, so entries never expire. Failures are not cached: the next call asks again.
 * {@link #checkCompatibility} always asks the registry (its answer changes as the subject evolves).
 *
 * <p>Thread-safe. Two threads missing the same entry at once may both ask the registry; both get the same
 * answer (registration is idempotent), and a slow registry never blocks hits on other entries.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {

    private record SubjectSchema(String subject, Schema schema) {
    }

    private final SchemaRegistry delegate;
    private final ConcurrentMap<SubjectSchema, Integer> registered = new ConcurrentHashMap<>();
    private final ConcurrentMap<SubjectSchema, Integer> lookedUp = new ConcurrentHashMap<>();
    private final ConcurrentMap<Integer, Schema> byId = new ConcurrentHashMap<>();

    private CachingSchemaRegistry(SchemaRegistry delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** {@code registry} itself when it already caches, otherwise a cache in front of it. */
    public static CachingSchemaRegistry of(SchemaRegistry registry) {
        return registry instanceof CachingSchemaRegistry c ? c : new CachingSchemaRegistry(registry);
    }

    /** The registry behind this cache. */
    public SchemaRegistry delegate() {
        return delegate;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = registered.get(key);
        if (id == null) {
            id = delegate.register(subject, schema);
            registered.put(key, id);
            byId.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = byId.get(id);
        if (schema == null) {
            schema = delegate.schemaById(id);
            Schema prior = byId.putIfAbsent(id, schema);
            if (prior != null) {
                schema = prior;
            }
        }
        return schema;
    }

    @Override
    public int lookup(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer id = registered.get(key);
        if (id == null) {
            id = lookedUp.get(key);
        }
        if (id == null) {
            id = delegate.lookup(subject, schema);
            lookedUp.put(key, id);
            byId.putIfAbsent(id, schema);
        }
        return id;
    }

    @Override
    public CompatibilityResult checkCompatibility(String subject, Schema schema) {
        return delegate.checkCompatibility(subject, schema);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
