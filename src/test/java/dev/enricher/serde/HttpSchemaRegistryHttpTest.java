package dev.enricher.serde;

import static dev.enricher.serde.HttpSchemaRegistryApicurioTest.V1;
import static dev.enricher.serde.HttpSchemaRegistryApicurioTest.catchRegistry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HttpSchemaRegistry} against a tiny loopback server that records what it receives and answers what the
 * test says: authentication headers, Confluent answers Apicurio does not give, error mapping, and that secrets
 * never reach strings or exceptions.
 */
class HttpSchemaRegistryHttpTest {

    private static final String PASSWORD = "s3cr3t-Pa55word";
    private static final String TOKEN = "tok-ABCDEF0123456789";

    private HttpServer server;
    private final List<Recorded> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{\"id\":7}";

    record Recorded(String method, String rawPath, String authorization, String contentType, String body) {
    }

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            received.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    new String(in, StandardCharsets.UTF_8)));
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(status, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(int status, String body) {
        this.status = status;
        this.answer = body;
    }

    @Test
    void sendsBasicAuthAndTheRegistryContentType() {
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url()).withBasicAuth("svc", PASSWORD))) {
            assertThat(r.register("orders-value", V1)).isEqualTo(7);
        }
        Recorded req = received.get(0);
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.rawPath()).isEqualTo("/subjects/orders-value/versions");
        assertThat(req.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(req.authorization()).isEqualTo("Basic "
                + Base64.getEncoder().encodeToString(("svc:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        assertThat(req.body()).contains("\"schema\"", "dev.enricher.test", "Event");
    }

    @Test
    void sendsABearerToken() {
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url() + "/").withBearerToken(TOKEN))) {
            r.lookup("orders-value", V1);
        }
        assertThat(received.get(0).authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(received.get(0).rawPath()).isEqualTo("/subjects/orders-value");
    }

    @Test
    void sendsNoAuthorizationWithoutCredentials() {
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url()))) {
            r.register("t-value", V1);
        }
        assertThat(received.get(0).authorization()).isNull();
    }

    @Test
    void encodesSubjectsInPaths() {
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url()))) {
            r.register("a b/c?d#e%f", V1);
        }
        assertThat(received.get(0).rawPath()).isEqualTo("/subjects/a%20b%2Fc%3Fd%23e%25f/versions");
    }

    @Test
    void unauthorizedNamesNeitherPasswordNorToken() {
        answer(401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url()).withBasicAuth("svc", PASSWORD))) {
            RegistryException e = catchRegistry(() -> r.register("t-value", V1));
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).contains("t-value", "Unauthorized", "credentials").doesNotContain(PASSWORD);
            assertThat(r.toString()).doesNotContain(PASSWORD);
            assertThat(r.config().toString()).doesNotContain(PASSWORD).contains("svc");
        }
        answer(403, "{\"error_code\":40301,\"message\":\"Forbidden\"}");
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url()).withBearerToken(TOKEN))) {
            RegistryException e = catchRegistry(() -> r.schemaById(3));
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNAUTHORIZED);
            assertThat(e.getMessage()).contains("id 3", "Forbidden").doesNotContain(TOKEN);
            assertThat(r.config().toString()).doesNotContain(TOKEN);
        }
    }

    @Test
    void parsesConfluentsVerboseCompatibilityAnswer() {
        answer(200, "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE: score\",\"{oldSchemaVersion: 1}\"]}");
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url()))) {
            CompatibilityResult result = r.checkCompatibility("t-value", V1);
            assertThat(result.compatible()).isFalse();
            assertThat(result.messages()).containsExactly("READER_FIELD_MISSING_DEFAULT_VALUE: score", "{oldSchemaVersion: 1}");
        }
        assertThat(received.get(0).rawPath()).isEqualTo("/compatibility/subjects/t-value/versions/latest?verbose=true");
    }

    @Test
    void aSubjectWithoutVersionsIsCompatible() {
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url()))) {
            answer(404, "{\"error_code\":40401,\"message\":\"Subject 't-value' not found.\"}");
            assertThat(r.checkCompatibility("t-value", V1)).isEqualTo(CompatibilityResult.ok());
            answer(404, "{\"error_code\":40402,\"message\":\"Version latest not found.\"}");
            assertThat(r.checkCompatibility("t-value", V1)).isEqualTo(CompatibilityResult.ok());
        }
    }

    @Test
    void mapsConfluentErrorCodes() {
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url()))) {
            answer(404, "{\"error_code\":40401,\"message\":\"Subject 't-value' not found.\"}");
            assertThat(catchRegistry(() -> r.lookup("t-value", V1)).kind()).isEqualTo(RegistryException.Kind.SUBJECT_NOT_FOUND);
            answer(404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
            assertThat(catchRegistry(() -> r.lookup("t-value", V1)).kind()).isEqualTo(RegistryException.Kind.SCHEMA_NOT_FOUND);
            answer(404, "{\"error_code\":40402,\"message\":\"Version not found\"}");
            assertThat(catchRegistry(() -> r.lookup("t-value", V1)).kind()).isEqualTo(RegistryException.Kind.SCHEMA_NOT_FOUND);
            answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");
            RegistryException incompatible = catchRegistry(() -> r.register("t-value", V1));
            assertThat(incompatible.kind()).isEqualTo(RegistryException.Kind.INCOMPATIBLE);
            assertThat(incompatible.getMessage()).contains("incompatible with an earlier schema", "t-value");
            answer(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
            assertThat(catchRegistry(() -> r.register("t-value", V1)).kind()).isEqualTo(RegistryException.Kind.INVALID_SCHEMA);
            answer(404, "<html>not here</html>");
            assertThat(catchRegistry(() -> r.schemaById(5)).kind()).isEqualTo(RegistryException.Kind.SCHEMA_NOT_FOUND);
            answer(500, "<html>upstream exploded</html>");
            RegistryException server = catchRegistry(() -> r.register("t-value", V1));
            assertThat(server.kind()).isEqualTo(RegistryException.Kind.REGISTRY_ERROR);
            assertThat(server.status()).isEqualTo(500);
            assertThat(server.getMessage()).contains("upstream exploded");
            answer(200, "not json");
            assertThat(catchRegistry(() -> r.register("t-value", V1)).kind()).isEqualTo(RegistryException.Kind.REGISTRY_ERROR);
            answer(200, "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\",\"schemaType\":\"PROTOBUF\"}");
            assertThat(catchRegistry(() -> r.schemaById(5)).kind()).isEqualTo(RegistryException.Kind.INVALID_SCHEMA);
            answer(200, "{\"schema\":\"{\\\"type\\\":\\\"string\\\"}\"}");
            assertThat(r.schemaById(5).getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
            assertThat(r.httpRequests()).isEqualTo(10);
        }
    }

    @Test
    void resolvesSchemaReferencesDependenciesFirst() {
        server.removeContext("/");
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            received.add(new Recorded(exchange.getRequestMethod(), path, null, null, ""));
            String body;
            if (path.equals("/schemas/ids/9")) {
                body = "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"test.Outer\\\",\\\"fields\\\":"
                        + "[{\\\"name\\\":\\\"inner\\\",\\\"type\\\":\\\"test.Inner\\\"}]}\","
                        + "\"references\":[{\"name\":\"test.Inner\",\"subject\":\"test.Inner\",\"version\":2}]}";
            } else if (path.equals("/subjects/test.Inner/versions/2")) {
                body = "{\"subject\":\"test.Inner\",\"version\":2,\"id\":4,"
                        + "\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"test.Inner\\\",\\\"fields\\\":"
                        + "[{\\\"name\\\":\\\"leaf\\\",\\\"type\\\":\\\"test.Leaf\\\"}]}\","
                        + "\"references\":[{\"name\":\"test.Leaf\",\"subject\":\"leaf subject\",\"version\":1}]}";
            } else if (path.equals("/subjects/leaf%20subject/versions/1")) {
                body = "{\"subject\":\"leaf subject\",\"version\":1,\"id\":3,"
                        + "\"schema\":\"{\\\"type\\\":\\\"enum\\\",\\\"name\\\":\\\"test.Leaf\\\",\\\"symbols\\\":[\\\"A\\\"]}\"}";
            } else {
                body = "{\"error_code\":40403,\"message\":\"no " + path + "\"}";
            }
            byte[] out = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(body.contains("error_code") ? 404 : 200, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(RegistryConfig.of(url()))) {
            org.apache.avro.Schema outer = r.schemaById(9);
            assertThat(outer.getField("inner").schema().getField("leaf").schema().getEnumSymbols()).containsExactly("A");
            assertThat(r.httpRequests()).isEqualTo(3);
        }
    }

    @Test
    void aServerThatDoesNotAnswerTimesOutAsUnreachable() {
        server.removeContext("/");
        server.createContext("/", exchange -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        RegistryConfig config = RegistryConfig.of(url()).withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300));
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(config)) {
            RegistryException e = catchRegistry(() -> r.schemaById(1));
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
            assertThat(e.getMessage()).contains("did not answer in time", "id 1");
        }
    }

    @Test
    void configIsValidatedWithClearMessages() {
        assertThatThrownBy(() -> RegistryConfig.of(" ")).hasMessageContaining("URL is missing");
        assertThatThrownBy(() -> RegistryConfig.of("localhost:8081")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> RegistryConfig.of("ftp://h/")).hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> RegistryConfig.of("http://user:" + PASSWORD + "@h:8081"))
                .hasMessageContaining("must not carry credentials").message().doesNotContain(PASSWORD);
        assertThatThrownBy(() -> RegistryConfig.of("http://h:8081/?x=1")).hasMessageContaining("query");
        assertThatThrownBy(() -> RegistryConfig.of("http://h").withBasicAuth("", PASSWORD)).hasMessageContaining("blank");
        assertThatThrownBy(() -> RegistryConfig.of("http://h").withBasicAuth("svc", PASSWORD).withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .hasMessageContaining("connect timeout must be positive").message().doesNotContain(PASSWORD);
        assertThatThrownBy(() -> new RegistryConfig(java.net.URI.create("http://h"), "svc", PASSWORD, TOKEN, null,
                Duration.ofSeconds(1), Duration.ofSeconds(1), true))
                .hasMessageContaining("not both").message().doesNotContain(PASSWORD).doesNotContain(TOKEN);

        RegistryConfig config = RegistryConfig.of("https://registry.example:8081/apis/ccompat/v7/");
        assertThat(config.url().toString()).isEqualTo("https://registry.example:8081/apis/ccompat/v7");
        assertThat(config.autoRegister()).isTrue();
        assertThat(config.withAutoRegister(false).autoRegister()).isFalse();
        assertThat(config.withBearerToken(TOKEN).toString()).contains("bearerToken=****").doesNotContain(TOKEN);
        RegistryConfig.Tls tls = RegistryConfig.Tls.trustStore(java.nio.file.Path.of("/tmp/t.p12"), PASSWORD, null)
                .withKeyStore(java.nio.file.Path.of("/tmp/k.p12"), PASSWORD, "PKCS12");
        assertThat(config.withTls(tls).toString()).contains("/tmp/t.p12", "/tmp/k.p12").doesNotContain(PASSWORD);
    }

    @Test
    void unusableTlsStoresFailWithoutPrintingPasswords() {
        RegistryConfig.Tls tls = RegistryConfig.Tls.trustStore(java.nio.file.Path.of("target/no-such-truststore.p12"), PASSWORD, "PKCS12");
        assertThatThrownBy(() -> new HttpSchemaRegistry(RegistryConfig.of("https://h:8081").withTls(tls)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-truststore.p12")
                .message().doesNotContain(PASSWORD);
    }
}
