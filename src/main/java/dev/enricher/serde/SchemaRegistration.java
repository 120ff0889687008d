package dev.enricher.serde;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * The start-up check of a schema the service writes: with auto-register on, the schema is registered (or found)
 * under its subject; with it off, it must already be there. When the subject refuses the schema the service
 * must not start, and the exception says why in the registry's own words, so an operator sees at once which
 * subject, which schema, and what to change.
 *
 * <p>Called once per written schema at start-up, on the starting thread; it blocks for the registry's answer.
 */
public final class SchemaRegistration {

    private SchemaRegistration() {
    }

    /**
     * Makes sure {@code schema} can be written under {@code subject}.
     *
     * @return the schema's id in the registry
     * @throws RegistryException with the kind of the underlying failure and a message fit to print as the reason
     *                           the service refused to start: INCOMPATIBLE (quoting the registry's reasons),
     *                           SUBJECT_NOT_FOUND / SCHEMA_NOT_FOUND when auto-register is off and the schema is
     *                           not registered, UNAUTHORIZED, UNREACHABLE, ...
     */
    public static int ensure(SchemaRegistry registry, String subject, Schema schema, boolean autoRegister) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        String what = "schema " + schema.getFullName() + " under subject '" + subject + "'";
        if (autoRegister) {
            try {
                return registry.register(subject, schema);
            } catch (RegistryException e) {
                throw wrap(e, "Cannot register " + what + ": " + e.getMessage());
            }
        }
        try {
            return registry.lookup(subject, schema);
        } catch (RegistryException e) {
            if (e.kind() != RegistryException.Kind.SUBJECT_NOT_FOUND && e.kind() != RegistryException.Kind.SCHEMA_NOT_FOUND) {
                throw wrap(e, "Cannot look up " + what + ": " + e.getMessage());
            }
            throw wrap(e, "The " + what + " is not registered and auto-register is off: " + e.getMessage()
                    + verdict(registry, subject, schema)
                    + ". Register it (or turn auto-register on) before starting the service.");
        }
    }

    /** Whether registering would be accepted, to tell the operator which fix applies; silent if the check itself fails. */
    private static String verdict(SchemaRegistry registry, String subject, Schema schema) {
        try {
            CompatibilityResult r = registry.checkCompatibility(subject, schema);
            if (r.compatible()) {
                return "; the subject's compatibility rule would accept it";
            }
            return "; moreover the subject's compatibility rule would refuse it"
                    + (r.messages().isEmpty() ? "" : ": " + String.join("; ", r.messages()));
        } catch (RegistryException ignored) {
            // The lookup failure above is the reason to report; this was only a hint.
            return "";
        }
    }

    private static RegistryException wrap(RegistryException e, String message) {
        return new RegistryException(e.kind(), e.status(), e.errorCode(), "Refusing to start: " + message, e);
    }
}
