package dev.enricher.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.enricher.avro.TextEvent;
import org.apache.avro.generic.GenericRecord;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the serializer names subjects, registers or looks up, and how much the caches save. */
class SerializerRegistryTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @ParameterizedTest
    @CsvSource({
        "TOPIC, false, enriched-value",
        "TOPIC, true, enriched-key",
        "RECORD, false, dev.enricher.avro.TextEvent",
        "TOPIC_RECORD, false, enriched-dev.enricher.avro.TextEvent",
        "TOPIC_RECORD, true, enriched-dev.enricher.avro.TextEvent",
    })
    void registersUnderTheStrategysSubject(SubjectNameStrategy strategy, boolean isKey, String subject) {
        AvroSerializer<TextEvent> serializer =
                new AvroSerializer<>(registry, AvroSerdeConfig.defaults().withSubjectNameStrategy(strategy));
        serializer.configure(Map.of(), isKey);

        byte[] bytes = serializer.serialize("enriched", new TextEvent("hi", null, null));

        assertThat(registry.subjects()).containsExactly(subject);
        assertThat(WireFormat.parse("enriched", bytes).schemaId()).isEqualTo(registry.versions(subject).get(0));
    }

    @Test
    void withAutoRegisterOffItOnlyLooksUp() {
        int id = registry.register("raw-value", TextEvent.getClassSchema());
        AvroSerializer<TextEvent> serializer =
                new AvroSerializer<>(registry, AvroSerdeConfig.defaults().withAutoRegister(false));

        byte[] bytes = serializer.serialize("raw", new TextEvent("hi", null, null));

        assertThat(WireFormat.parse("raw", bytes).schemaId()).isEqualTo(id);
        assertThat(registry.registerCalls()).isEqualTo(1); // ours, above
        assertThat(registry.lookupCalls()).isEqualTo(1);
    }

    @Test
    void withAutoRegisterOffAMissingSchemaFailsNamingTheSubject() {
        AvroSerializer<TextEvent> serializer =
                new AvroSerializer<>(registry, AvroSerdeConfig.defaults().withAutoRegister(false));

        SerdeException e = catchThrowableOfType(SerdeException.class,
                () -> serializer.serialize("raw", new TextEvent("hi", null, null)));

        assertThat(e.reason()).isEqualTo(SerdeException.Reason.SCHEMA_NOT_REGISTERED);
        assertThat(e.isRecordFault()).isFalse();
        assertThat(e.getMessage()).contains("raw-value").contains("auto-registration is off");
        assertThat(registry.subjects()).isEmpty();

        // Registered under another subject only: still not found under this one.
        registry.register("other-value", TextEvent.getClassSchema());
        e = catchThrowableOfType(SerdeException.class, () -> serializer.serialize("raw", new TextEvent("hi", null, null)));
        assertThat(e.reason()).isEqualTo(SerdeException.Reason.SCHEMA_NOT_REGISTERED);
    }

    @Test
    void afterWarmUpNoRecordCostsARegistryCall() {
        Serde<GenericRecord> serde = AvroSerdes.generic(registry, AvroSerdeConfig.defaults());
        byte[] first = serde.serializer().serialize("enriched", Events.enriched(0));
        serde.deserializer().deserialize("enriched", first);
        int warm = registry.totalCalls();
        assertThat(warm).isBetween(1, 2);

        for (int i = 1; i < 500; i++) {
            byte[] bytes = serde.serializer().serialize("enriched", Events.enriched(i));
            assertThat(serde.deserializer().deserialize("enriched", bytes).get("source_offset")).isEqualTo((long) i);
        }

        assertThat(registry.totalCalls()).isEqualTo(warm);
    }

    @Test
    void cachingRegistryAsksOncePerSubjectSchemaAndOncePerId() {
        CachingSchemaRegistry cache = CachingSchemaRegistry.of(registry);
        assertThat(CachingSchemaRegistry.of(cache)).isSameAs(cache);

        int id = cache.register("a-value", TextEvent.getClassSchema());
        for (int i = 0; i < 10; i++) {
            assertThat(cache.register("a-value", TextEvent.getClassSchema())).isEqualTo(id);
            assertThat(cache.lookup("a-value", TextEvent.getClassSchema())).isEqualTo(id);
            assertThat(cache.schemaById(id)).isEqualTo(TextEvent.getClassSchema());
        }
        assertThat(registry.registerCalls()).isEqualTo(1);
        assertThat(registry.lookupCalls()).isZero();
        assertThat(registry.schemaByIdCalls()).isZero();

        // Another subject is another registry question.
        assertThat(cache.register("b-value", TextEvent.getClassSchema())).isEqualTo(id);
        assertThat(registry.registerCalls()).isEqualTo(2);
    }

    @Test
    void cachingRegistryDoesNotCacheFailures() {
        CachingSchemaRegistry cache = CachingSchemaRegistry.of(registry);
        catchThrowableOfType(RegistryException.class, () -> cache.lookup("a-value", TextEvent.getClassSchema()));
        registry.register("a-value", TextEvent.getClassSchema());
        assertThat(cache.lookup("a-value", TextEvent.getClassSchema())).isPositive();
    }
}
