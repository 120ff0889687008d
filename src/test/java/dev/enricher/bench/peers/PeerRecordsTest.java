package dev.enricher.bench.peers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.avro.EnrichedEvent;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ChatWire;
import dev.enricher.client.Choice;
import dev.enricher.client.Usage;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.InMemorySchemaRegistry;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.IabResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        int id = registry.register("out-value", EnrichedEvent.getClassSchema());
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
        EnrichedEvent e = AvroDeserializer.specific(EnrichedEvent.class, registry).deserialize("out", bytes);
        assertThat(e.getId()).isEqualTo("e-1");
        assertThat(e.getSourceTopic()).isEqualTo("in");
        assertThat(e.getSourcePartition()).isEqualTo(3);
        assertThat(e.getSourceOffset()).isEqualTo(42L);
        assertThat(e.getSourceTimestamp().toEpochMilli()).isEqualTo(1_700_000_000_000L);
        assertThat(e.getText()).isEqualTo("Cars and football");
        assertThat(e.getIab()).containsOnlyKeys("iab");
        assertThat(e.getIab().get("iab").getAudience().get(0).getName()).isEqualTo("Sports Fans");
        assertThat(e.getModelCalls()).singleElement().satisfies(c -> {
            assertThat(c.getLatencyMs()).isEqualTo(201L);
            assertThat(c.getPromptTokens()).isEqualTo(12);
            assertThat(c.getRequestId()).isEqualTo("req_1");
        });

        byte[] passthrough = PeerRecords.enriched(id, "in", 0, 1L, 5L, in, task, null, null);
        EnrichedEvent p = AvroDeserializer.specific(EnrichedEvent.class, registry).deserialize("out", passthrough);
        assertThat(p.getIab()).isNull();
        assertThat(p.getModelCalls()).isEmpty();
    }

    @Test
    void theRequestBodyIsTheOneTheClientSends() throws Exception {
        ChatRequest request = PeerRecords.task().request("Cars and football");
        String body = new String(new ChatWire().requestBody(request), StandardCharsets.UTF_8);
        assertThat(body).startsWith("{\"model\":\"" + request.model() + "\",\"messages\":[")
                .contains("Cars and football");
    }
}
