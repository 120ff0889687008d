package dev.enricher.config;

import java.util.Locale;
import java.util.Objects;

/**
 * One configuration key, declared once: its name, type, default, whether it is required or secret, and its doc.
 * The configuration reference in README.md is generated from these declarations.
 *
 * @param name         dotted name as written in the YAML file ({@code kafka.bootstrap-servers})
 * @param type         how its text is parsed and validated
 * @param defaultValue the value when absent; null for none
 * @param required     true when the service cannot start without it
 * @param doc          what it does, for the reference
 */
record ConfigKey<T>(String name, ConfigType<T> type, T defaultValue, boolean required, String doc) {
    ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(doc, "doc");
    }

    /** The environment variable that overrides it: {@code ENRICHER_} + the name upper-cased, dots and dashes as {@code _}. */
    String envVar() {
        return "ENRICHER_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    boolean secret() {
        return type == ConfigType.PASSWORD;
    }

    /** {@code value} (of this key's type) as written in configuration; a secret as {@code ****}. */
    @SuppressWarnings("unchecked")
    String format(Object value) {
        return type.format((T) value);
    }
}
