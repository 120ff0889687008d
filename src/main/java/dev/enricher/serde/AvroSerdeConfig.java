package dev.enricher.serde;

import java.util.Objects;

/**
 * How {@link AvroSerializer} finds a record's schema id.
 *
 * @param subjectNameStrategy how the subject is named from the topic and the schema; {@link SubjectNameStrategy#TOPIC}
 *                            by default
 * @param autoRegister        true (the default) registers the record's schema under its subject on first use;
 *                            false only looks it up, for registries where schemas are registered by CI and the
 *                            service's credentials may not write
 */
public record AvroSerdeConfig(SubjectNameStrategy subjectNameStrategy, boolean autoRegister) {
    public AvroSerdeConfig {
        Objects.requireNonNull(subjectNameStrategy, "subjectNameStrategy");
    }

    /** TOPIC naming, auto-registration on: what Confluent's serializer does by default. */
    public static AvroSerdeConfig defaults() {
        return new AvroSerdeConfig(SubjectNameStrategy.TOPIC, true);
    }

    public AvroSerdeConfig withSubjectNameStrategy(SubjectNameStrategy strategy) {
        return new AvroSerdeConfig(strategy, autoRegister);
    }

    public AvroSerdeConfig withAutoRegister(boolean on) {
        return new AvroSerdeConfig(subjectNameStrategy, on);
    }
}
