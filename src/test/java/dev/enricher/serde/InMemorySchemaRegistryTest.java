package dev.enricher.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.enricher.avro.TextEvent;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Ids, versions and compatibility rules of the in-memory registry, and evolution through the serdes. */
class InMemorySchemaRegistryTest {
    private static final Schema V1 = TextEvent.getClassSchema();
    /** V1 plus an optional field: BACKWARD and FORWARD compatible. */
    private static final Schema V2_ADDED_OPTIONAL = new Schema.Parser().parse(V1.toString().replace(
            "\"fields\":[", "\"fields\":[{\"name\":\"lang\",\"type\":[\"null\",\"string\"],\"default\":null,\"doc\":\"x\"},"));
    /** V1 plus a required field without a default: cannot read V1 data. */
    private static final Schema V2_ADDED_REQUIRED = new Schema.Parser().parse(V1.toString().replace(
            "\"fields\":[", "\"fields\":[{\"name\":\"lang\",\"type\":\"string\"},"));
    /** V1 without its required field {@code text}: V1 readers cannot read it. */
    private static final Schema V2_REMOVED_REQUIRED = SchemaBuilder.record("TextEvent").namespace("dev.enricher.avro")
            .fields().optionalString("id").endRecord();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void registrationIsIdempotentAndIdsAreGlobal() {
        int id = registry.register("a-value", V1);
        assertThat(registry.register("a-value", V1)).isEqualTo(id);
        assertThat(registry.register("b-value", V1)).isEqualTo(id);
        assertThat(registry.versions("a-value")).containsExactly(id);
        assertThat(registry.schemaById(id)).isEqualTo(V1);
        assertThat(registry.lookup("b-value", V1)).isEqualTo(id);

        int id2 = registry.register("a-value", V2_ADDED_OPTIONAL);
        assertThat(id2).isNotEqualTo(id);
        assertThat(registry.versions("a-value")).containsExactly(id, id2);
    }

    @Test
    void unknownsAreTyped() {
        assertThat(catchThrowableOfType(RegistryException.class, () -> registry.schemaById(99)).kind())
                .isEqualTo(RegistryException.Kind.SCHEMA_NOT_FOUND);
        assertThat(catchThrowableOfType(RegistryException.class, () -> registry.lookup("x-value", V1)).kind())
                .isEqualTo(RegistryException.Kind.SUBJECT_NOT_FOUND);
        registry.register("x-value", V1);
        assertThat(catchThrowableOfType(RegistryException.class, () -> registry.lookup("x-value", V2_ADDED_OPTIONAL))
                .kind()).isEqualTo(RegistryException.Kind.SCHEMA_NOT_FOUND);
    }

    @Test
    void backwardAcceptsAnAddedOptionalFieldAndRefusesARequiredOne() {
        registry.register("s", V1);
        assertThat(registry.checkCompatibility("s", V2_ADDED_OPTIONAL).compatible()).isTrue();

        CompatibilityResult refused = registry.checkCompatibility("s", V2_ADDED_REQUIRED);
        assertThat(refused.compatible()).isFalse();
        assertThat(refused.messages()).anySatisfy(m -> assertThat(m).contains("BACKWARD").contains("lang"));

        RegistryException e = catchThrowableOfType(RegistryException.class, () -> registry.register("s", V2_ADDED_REQUIRED));
        assertThat(e.kind()).isEqualTo(RegistryException.Kind.INCOMPATIBLE);
        assertThat(e.getMessage()).contains("'s'").contains("BACKWARD").contains("READER_FIELD_MISSING_DEFAULT_VALUE");
        assertThat(registry.versions("s")).hasSize(1);
    }

    @Test
    void removingARequiredFieldIsBackwardButNotForward() {
        registry.register("s", V1);
        assertThat(registry.checkCompatibility("s", V2_REMOVED_REQUIRED).compatible()).isTrue();
        registry.setCompatibility("s", CompatibilityLevel.FORWARD);
        assertThat(registry.checkCompatibility("s", V2_REMOVED_REQUIRED).compatible()).isFalse();
        registry.setCompatibility("s", CompatibilityLevel.FULL);
        assertThat(registry.checkCompatibility("s", V2_REMOVED_REQUIRED).compatible()).isFalse();
        assertThat(registry.checkCompatibility("s", V2_ADDED_OPTIONAL).compatible()).isTrue();
        registry.setCompatibility("s", CompatibilityLevel.NONE);
        assertThat(registry.checkCompatibility("s", V2_ADDED_REQUIRED).compatible()).isTrue();
    }

    @Test
    void transitiveLevelsCheckEveryVersion() {
        InMemorySchemaRegistry transitive = new InMemorySchemaRegistry(CompatibilityLevel.BACKWARD_TRANSITIVE);
        Schema v1 = SchemaBuilder.record("R").fields().requiredString("a").endRecord();
        Schema v2 = SchemaBuilder.record("R").fields().requiredString("a").name("b").type().stringType()
                .stringDefault("x").endRecord();
        Schema v3 = SchemaBuilder.record("R").fields().requiredString("a").requiredString("b").endRecord();
        transitive.register("t", v1);
        transitive.register("t", v2);
        InMemorySchemaRegistry latestOnly = new InMemorySchemaRegistry(CompatibilityLevel.BACKWARD);
        latestOnly.register("t", v1);
        latestOnly.register("t", v2);
        // v3 reads v2 data (b present) but not v1 data (b missing, no default).
        assertThat(latestOnly.checkCompatibility("t", v3).compatible()).isTrue();
        assertThat(transitive.checkCompatibility("t", v3).compatible()).isFalse();
    }

    @Test
    void oldDataReadsIntoTheEvolvedSchemaThroughTheSerdes() {
        GenericRecord old = new GenericData.Record(V1);
        old.put("text", "hello");
        old.put("attributes", Map.of());
        byte[] bytes = new AvroSerializer<GenericRecord>(registry, AvroSerdeConfig.defaults()).serialize("raw", old);
        int v2 = registry.register("raw-value", V2_ADDED_OPTIONAL);

        GenericRecord read = AvroDeserializer.generic(registry, V2_ADDED_OPTIONAL).deserialize("raw", bytes);

        assertThat(read.getSchema()).isEqualTo(V2_ADDED_OPTIONAL);
        assertThat(read.get("text").toString()).isEqualTo("hello");
        assertThat(read.get("lang")).isNull();
        assertThat(registry.versions("raw-value")).hasSize(2).contains(v2);
    }

    @Test
    void unreadableWriterSchemaIsATypedError() {
        GenericRecord old = new GenericData.Record(V1);
        old.put("text", "hello");
        byte[] bytes = new AvroSerializer<GenericRecord>(registry, AvroSerdeConfig.defaults()).serialize("raw", old);

        SerdeException e = catchThrowableOfType(SerdeException.class,
                () -> AvroDeserializer.generic(registry, V2_ADDED_REQUIRED).deserialize("raw", bytes));

        assertThat(e.reason()).isEqualTo(SerdeException.Reason.INCOMPATIBLE_SCHEMA);
        assertThat(e.getMessage()).contains("raw").contains("lang");
    }

    @Test
    void ourSchemasEvolveBackwardCompatibly() {
        // Adding an optional field to the real enriched record must stay BACKWARD compatible (the reason for null defaults).
        Schema event = Events.SCHEMA;
        Schema evolved = new Schema.Parser().parse(event.toString().replace("\"fields\":[{\"name\":\"id\"",
                "\"fields\":[{\"name\":\"tenant\",\"type\":[\"null\",\"string\"],\"default\":null},{\"name\":\"id\""));
        registry.register("enriched-value", event);
        assertThat(registry.register("enriched-value", evolved)).isPositive();
    }
}
