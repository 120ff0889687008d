package dev.enricher.serde;

import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Kafka {@link Serde}s over {@link AvroSerializer} and {@link AvroDeserializer}, sharing one cached registry. */
public final class AvroSerdes {
    private AvroSerdes() {
    }

    /** A serde of the generated class {@code type}; Kafka Streams calls {@code configure} with isKey. */
    public static <T extends SpecificRecord> Serde<T> specific(Class<T> type, SchemaRegistry registry,
                                                               AvroSerdeConfig config) {
        CachingSchemaRegistry cached = CachingSchemaRegistry.of(registry);
        return Serdes.serdeFrom(new AvroSerializer<>(cached, config), AvroDeserializer.specific(type, cached));
    }

    /** A serde of generic records, each read with its writer's schema. */
    public static Serde<GenericRecord> generic(SchemaRegistry registry, AvroSerdeConfig config) {
        CachingSchemaRegistry cached = CachingSchemaRegistry.of(registry);
        return Serdes.serdeFrom(new AvroSerializer<>(cached, config), AvroDeserializer.generic(cached));
    }
}
