package dev.enricher.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ChatWire;
import dev.enricher.client.Choice;
import dev.enricher.client.Usage;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.IabResult;
import dev.enricher.topology.EnrichedRecords;
import dev.enricher.topology.OutputSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** What every benchmark contender reads and writes: same input decoding, same request bytes, same Avro output. */
class PeerRecordsTest {

    @Test
    void decodesTheJsonEvent() {
        PeerRecords.Input in = PeerRecords.input(
                "{\"id\":\"e-1\",\"text\":\"Cars and football\",\"attributes\":{\"lang\":\"en\"}}"
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(in).isEqualTo(new PeerRecords.Input("e-1", "Cars and football", Map.of("lang", "en")));
        assertThat(PeerRecords.input("{\"text\":\"no id\"}".getBytes(StandardCharsets.UTF_8)).id()).isNull();
    }

    @Test
    void refusesWhatIsNotAnEventWithoutQuotingIt() {
        assertThatThrownBy(() -> PeerRecords.input("secret-not-json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the value is not JSON");
        assertThatThrownBy(() -> PeerRecords.input("[1]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("the value is not a JSON object");
        assertThatThrownBy(() -> PeerRecords.input("{\"text\":\"  \"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("the value has no non-blank string field 'text'");
        assertThatThrownBy(() -> PeerRecords.input(null)).hasMessage("the value is not a JSON object");
    }

    @Test
    void writesAnEnrichedEventInTheRegistryWireFormatThatThePipelinesReaderReads() throws Exception {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int id = registry.register("out-value", PeerRecords.SCHEMA);
        assertThat(PeerRecords.SCHEMA).as("the enriched record of the one iab task")
                .isEqualTo(OutputSchema.of(List.of(PeerRecords.task())));
        EnrichmentTask task = PeerRecords.task();
        String content = "{\"audience\":[{\"name\":\"Sports Fans\",\"score\":0.9}],"
                + "\"content\":{\"iab_1_0\":[{\"name\":\"Sports\",\"score\":0.8}],\"iab_2_2\":[]}}";
        ChatCompletion completion = new ChatCompletion("c-1", 0, task.model(),
                List.of(new Choice(0, "assistant", content, "stop")), new Usage(12, 7, 19), "req_1", 1,
                Duration.ofMillis(201));
        IabResult result = (IabResult) task.parse(completion);
        PeerRecords.Input in = new PeerRecords.Input("e-1", "Cars and football", Map.of());

        byte[] bytes = PeerRecords.enriched(id, "in", 3, 42L, 1_700_000_000_000L, in, task, result, completion);

        assertThat(bytes[0]).isZero();
        GenericRecord e = AvroDeserializer.mixed(registry).deserialize("out", bytes);
        assertThat(EnrichedRecords.string(e, "id")).isEqualTo("e-1");
        assertThat(EnrichedRecords.string(e, "source_topic")).isEqualTo("in");
        assertThat(e.get("source_partition")).isEqualTo(3);
        assertThat(e.get("source_offset")).isEqualTo(42L);
        assertThat(EnrichedRecords.millis(e, "source_timestamp")).isEqualTo(1_700_000_000_000L);
        assertThat(EnrichedRecords.string(e, "text")).isEqualTo("Cars and football");
        assertThat(EnrichedRecords.answered(e)).containsExactly("iab");
        assertThat(EnrichedRecords.result(e, "iab", dev.enricher.avro.IabResult.class).getAudience().get(0).getName())
                .isEqualTo("Sports Fans");
        assertThat(EnrichedRecords.modelCalls(e)).singleElement().satisfies(c -> {
            assertThat(c.get("latency_ms")).isEqualTo(201L);
            assertThat(c.get("prompt_tokens")).isEqualTo(12);
            assertThat(EnrichedRecords.string(c, "request_id")).isEqualTo("req_1");
        });

        byte[] passthrough = PeerRecords.enriched(id, "in", 0, 1L, 5L, in, task, null, null);
        GenericRecord p = AvroDeserializer.mixed(registry).deserialize("out", passthrough);
        assertThat(EnrichedRecords.result(p, "iab")).isNull();
        assertThat(EnrichedRecords.answered(p)).isEmpty();
        assertThat(EnrichedRecords.modelCalls(p)).isEmpty();
    }

    @Test
    void theRequestBodyIsTheOneTheClientSends() throws Exception {
        ChatRequest request = PeerRecords.task().request("Cars and football");
        String body = new String(new ChatWire().requestBody(request), StandardCharsets.UTF_8);
        assertThat(body).startsWith("{\"model\":\"" + request.model() + "\",\"messages\":[")
                .contains("Cars and football");
    }
}
