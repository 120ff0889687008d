package dev.enricher.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.serde.AvroSerdeConfig;
import dev.enricher.serde.AvroSerdes;
import dev.enricher.serde.HttpSchemaRegistry;
import dev.enricher.serde.RegistryConfig;
import dev.enricher.serde.RegistryException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The development registry over HTTP, through the service's own Confluent REST client. */
class LocalSchemaRegistryTest {
    private static final Schema V1 = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").endRecord();
    private static final Schema V2_COMPATIBLE = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").name("size").type().intType().intDefault(0).endRecord();
    private static final Schema V2_INCOMPATIBLE = SchemaBuilder.record("Thing").namespace("t").fields()
            .requiredString("name").requiredInt("size").endRecord();

    private LocalSchemaRegistry server;
    private HttpSchemaRegistry client;

    @BeforeEach
    void start() throws Exception {
        dev.enricher.serde.GeneratedClassTrust.install(); // Avro 1.12 decodes trusted generated classes only
        server = LocalSchemaRegistry.start(0);
        client = new HttpSchemaRegistry(RegistryConfig.of(server.url()));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void registersLooksUpAndServesSchemasById() {
        assertThat(server.url()).matches("http://127\\.0\\.0\\.1:\\d+");
        int id = client.register("things-value", V1);
        assertThat(client.register("things-value", V1)).as("the same schema again: the same id").isEqualTo(id);
        assertThat(client.lookup("things-value", V1)).isEqualTo(id);
        assertThat(client.schemaById(id)).isEqualTo(V1);
        int id2 = client.register("things-value", V2_COMPATIBLE);
        assertThat(id2).isNotEqualTo(id);
        assertThat(client.schemaById(id2)).isEqualTo(V2_COMPATIBLE);
    }

    @Test
    void theSubjectsCompatibilityRuleDecidesWithTheRegistrysOwnMessage() {
        client.register("things-value", V1);
        assertThat(client.checkCompatibility("things-value", V2_COMPATIBLE).compatible()).isTrue();
        assertThat(client.checkCompatibility("things-value", V2_INCOMPATIBLE).compatible()).isFalse();
        assertThat(client.checkCompatibility("things-value", V2_INCOMPATIBLE).messages()).anySatisfy(m ->
                assertThat(m).contains("BACKWARD").contains("size"));
        assertThatThrownBy(() -> client.register("things-value", V2_INCOMPATIBLE))
                .isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).kind()).isEqualTo(RegistryException.Kind.INCOMPATIBLE))
                .hasMessageContaining("409").hasMessageContaining("size");
    }

    @Test
    void theRuleIsSetOverTheRestApiAsWithConfluentsRegistry() throws Exception {
        client.register("things-value", V1);
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.url() + "/config/things-value"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"NONE\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(put.body()).contains("\"compatibility\":\"NONE\"");
        assertThat(client.register("things-value", V2_INCOMPATIBLE)).isPositive();
        HttpResponse<String> latest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.url() + "/subjects/things-value/versions/latest")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(latest.body()).contains("\"version\":2").contains("size");
    }

    @Test
    void unknownSubjectsIdsAndBadSchemasGetConfluentsErrorCodes() throws Exception {
        assertThatThrownBy(() -> client.lookup("nothing-value", V1)).isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).errorCode()).isEqualTo(40401));
        assertThatThrownBy(() -> client.schemaById(999)).isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).errorCode()).isEqualTo(40403));
        client.register("things-value", V1);
        assertThatThrownBy(() -> client.lookup("things-value", V2_COMPATIBLE)).isInstanceOf(RegistryException.class)
                .satisfies(e -> assertThat(((RegistryException) e).errorCode()).isEqualTo(40403));
        HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.url() + "/subjects/x/versions"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"{not avro\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(bad.body()).contains("42201");
    }

    @Test
    void recordsWrittenInOneProcessReadInAnotherThroughIt() throws Exception {
        org.apache.avro.generic.GenericRecord e = dev.enricher.bench.SerdeBenchmark.sampleRecord(7);
        byte[] bytes;
        try (HttpSchemaRegistry writer = new HttpSchemaRegistry(RegistryConfig.of(server.url()))) {
            bytes = AvroSerdes.generic(writer, AvroSerdeConfig.defaults()).serializer().serialize("enriched", e);
        }
        try (HttpSchemaRegistry reader = new HttpSchemaRegistry(RegistryConfig.of(server.url()))) {
            org.apache.avro.generic.GenericRecord back = dev.enricher.serde.AvroDeserializer.mixed(reader)
                    .deserialize("enriched", bytes);
            assertThat(back).isEqualTo(e);
        }
    }
}
