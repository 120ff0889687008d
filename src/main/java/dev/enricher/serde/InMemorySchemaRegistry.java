package dev.enricher.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A {@link SchemaRegistry} in memory, behaving as Confluent's does where this service can tell: global ids
 * shared by equal schemas across subjects, versions per subject, idempotent registration, and compatibility
 * checked with Avro's {@link SchemaCompatibility} under a {@link CompatibilityLevel} ({@link CompatibilityLevel#BACKWARD}
 * by default, settable per subject). For the demo, the benchmark and tests; counts every call so tests can see
 * what a cache saves.
 *
 * <p>Thread-safe (every operation holds this object's lock; it never does I/O).
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
    private CompatibilityLevel defaultLevel; // guarded by this
    private final Map<String, CompatibilityLevel> levels = new HashMap<>();
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    /** Subject -> ids of its versions, oldest first. */
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    private int nextId = 1;

    private final AtomicInteger registerCalls = new AtomicInteger();
    private final AtomicInteger lookupCalls = new AtomicInteger();
    private final AtomicInteger schemaByIdCalls = new AtomicInteger();
    private final AtomicInteger compatibilityCalls = new AtomicInteger();

    /** A registry with the BACKWARD rule for every subject. */
    public InMemorySchemaRegistry() {
        this(CompatibilityLevel.BACKWARD);
    }

    public InMemorySchemaRegistry(CompatibilityLevel defaultLevel) {
        this.defaultLevel = Objects.requireNonNull(defaultLevel, "defaultLevel");
    }

    /** Sets the rule of every subject that has none of its own. */
    public synchronized void setDefaultCompatibility(CompatibilityLevel level) {
        defaultLevel = Objects.requireNonNull(level, "level");
    }

    /** The rule of every subject that has none of its own. */
    public synchronized CompatibilityLevel defaultCompatibility() {
        return defaultLevel;
    }

    /** Sets {@code subject}'s rule, overriding the default. */
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        levels.put(Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(level, "level"));
    }

    public synchronized CompatibilityLevel compatibility(String subject) {
        return levels.getOrDefault(subject, defaultLevel);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        registerCalls.incrementAndGet();
        requireArgs(subject, schema);
        List<Integer> versions = subjects.get(subject);
        Integer existing = idsBySchema.get(schema);
        if (versions != null && existing != null && versions.contains(existing)) {
            return existing;
        }
        CompatibilityResult verdict = check(subject, schema);
        if (!verdict.compatible()) {
            throw new RegistryException(RegistryException.Kind.INCOMPATIBLE, 409, 409,
                    "register under subject '" + subject + "': schema " + schema.getFullName() + " is incompatible "
                            + "under " + compatibility(subject) + ": " + String.join("; ", verdict.messages()), null);
        }
        int id = existing != null ? existing : nextId++;
        idsBySchema.putIfAbsent(schema, id);
        schemasById.putIfAbsent(id, schema);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized Schema schemaById(int id) {
        schemaByIdCalls.incrementAndGet();
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new RegistryException(RegistryException.Kind.SCHEMA_NOT_FOUND, 404, 40403,
                    "schema id " + id + " not found", null);
        }
        return schema;
    }

    @Override
    public synchronized int lookup(String subject, Schema schema) {
        lookupCalls.incrementAndGet();
        requireArgs(subject, schema);
        List<Integer> versions = subjects.get(subject);
        if (versions == null) {
            throw new RegistryException(RegistryException.Kind.SUBJECT_NOT_FOUND, 404, 40401,
                    "lookup: subject '" + subject + "' not found", null);
        }
        Integer id = idsBySchema.get(schema);
        if (id == null || !versions.contains(id)) {
            throw new RegistryException(RegistryException.Kind.SCHEMA_NOT_FOUND, 404, 40403,
                    "lookup: schema " + schema.getFullName() + " is not registered under subject '" + subject + "'",
                    null);
        }
        return id;
    }

    @Override
    public synchronized CompatibilityResult checkCompatibility(String subject, Schema schema) {
        compatibilityCalls.incrementAndGet();
        requireArgs(subject, schema);
        return check(subject, schema);
    }

    private CompatibilityResult check(String subject, Schema schema) {
        List<Integer> versions = subjects.getOrDefault(subject, List.of());
        CompatibilityLevel level = compatibility(subject);
        if (versions.isEmpty() || level == CompatibilityLevel.NONE) {
            return CompatibilityResult.ok();
        }
        List<Integer> against = level.transitive() ? versions : versions.subList(versions.size() - 1, versions.size());
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < against.size(); i++) {
            int version = level.transitive() ? i + 1 : versions.size();
            Schema old = schemasById.get(against.get(i));
            if (level.backward()) {
                describe(messages, "BACKWARD", version, SchemaCompatibility.checkReaderWriterCompatibility(schema, old));
            }
            if (level.forward()) {
                describe(messages, "FORWARD", version, SchemaCompatibility.checkReaderWriterCompatibility(old, schema));
            }
        }
        return messages.isEmpty() ? CompatibilityResult.ok() : new CompatibilityResult(false, messages);
    }

    private static void describe(List<String> messages, String direction, int version,
                                 SchemaCompatibility.SchemaPairCompatibility pair) {
        for (SchemaCompatibility.Incompatibility inc : pair.getResult().getIncompatibilities()) {
            messages.add(direction + " against version " + version + ": " + inc.getType() + " at "
                    + inc.getLocation() + ": " + inc.getMessage());
        }
    }

    private static void requireArgs(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }

    /** The subjects with at least one version, in registration order. */
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    /** The global ids of {@code subject}'s versions, oldest first; empty for an unknown subject. */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(subjects.getOrDefault(subject, List.of()));
    }

    public int registerCalls() {
        return registerCalls.get();
    }

    public int lookupCalls() {
        return lookupCalls.get();
    }

    public int schemaByIdCalls() {
        return schemaByIdCalls.get();
    }

    public int compatibilityCalls() {
        return compatibilityCalls.get();
    }

    /** Every call of the {@link SchemaRegistry} methods so far. */
    public int totalCalls() {
        return registerCalls() + lookupCalls() + schemaByIdCalls() + compatibilityCalls();
    }
}
