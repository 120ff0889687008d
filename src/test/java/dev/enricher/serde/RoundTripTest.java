package dev.enricher.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.IabResult;
import dev.enricher.avro.TextEvent;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class RoundTripTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void anEnrichedRecordSurvivesTheRoundTripWithItsResultsAsTheirGeneratedClasses() {
        Serde<GenericRecord> serde = AvroSerdes.generic(registry, AvroSerdeConfig.defaults());
        serde.configure(Map.of(), false);
        GenericRecord event = Events.enriched(42);

        byte[] bytes = serde.serializer().serialize("enriched", event);

        assertThat(bytes[0]).isEqualTo(WireFormat.MAGIC_BYTE);
        assertThat(WireFormat.parse("enriched", bytes).schemaId()).isEqualTo(registry.lookup("enriched-value",
                Events.SCHEMA));
        GenericRecord back = AvroDeserializer.mixed(registry).deserialize("enriched", bytes);
        assertThat(back).isEqualTo(event);
        assertThat(((GenericRecord) back.get("results")).get("iab")).isInstanceOf(IabResult.class)
                .isEqualTo(((GenericRecord) event.get("results")).get("iab"));
        assertThat(back.get("text")).as("strings are Java strings").isInstanceOf(String.class);
    }

    @Test
    void genericRecordSurvivesTheRoundTripAndReadsAsSpecific() {
        GenericRecord record = new GenericData.Record(TextEvent.getClassSchema());
        record.put("text", "hello");
        record.put("id", "e-1");
        record.put("attributes", Map.of("k", "v"));
        Serde<GenericRecord> serde = AvroSerdes.generic(registry, AvroSerdeConfig.defaults());

        byte[] bytes = serde.serializer().serialize("raw", record);
        GenericRecord back = serde.deserializer().deserialize("raw", bytes);
        TextEvent specific = AvroDeserializer.specific(TextEvent.class, registry).deserialize("raw", bytes);

        assertThat(back.get("text").toString()).isEqualTo("hello");
        assertThat(back.get("id").toString()).isEqualTo("e-1");
        assertThat(specific).isEqualTo(new TextEvent("hello", "e-1", Map.of("k", "v")));
    }

    @Test
    void nullIsATombstoneBothWays() {
        Serde<TextEvent> serde = AvroSerdes.specific(TextEvent.class, registry, AvroSerdeConfig.defaults());
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }
}
