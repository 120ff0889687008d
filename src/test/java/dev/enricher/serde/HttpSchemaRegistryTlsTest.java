package dev.enricher.serde;

import static dev.enricher.serde.HttpSchemaRegistryApicurioTest.V1;
import static dev.enricher.serde.HttpSchemaRegistryApicurioTest.catchRegistry;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HttpSchemaRegistry} over https with mutual TLS against a loopback server whose key pairs keytool makes
 * for this test: the configured trust store and key store are the ones used.
 */
class HttpSchemaRegistryTlsTest {

    private static final String STORE_PASSWORD = "st0re-Secret";

    @TempDir
    static Path dir;
    private static Path serverStore;
    private static Path clientStore;
    private static HttpsServer server;

    @BeforeAll
    static void start() throws Exception {
        serverStore = keyPair("server");
        clientStore = keyPair("client");
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers(serverStore), trustManagers(clientStore), null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters params) {
                javax.net.ssl.SSLParameters ssl = getSSLContext().getDefaultSSLParameters();
                ssl.setNeedClientAuth(true);
                params.setSSLParameters(ssl);
            }
        });
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] out = "{\"id\":11}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, out.length);
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    private static RegistryConfig config() {
        return RegistryConfig.of(url()).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @Test
    void mutualTlsWithTheConfiguredStores() {
        RegistryConfig.Tls tls = RegistryConfig.Tls.trustStore(serverStore, STORE_PASSWORD, "PKCS12")
                .withKeyStore(clientStore, STORE_PASSWORD, "PKCS12");
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(config().withTls(tls))) {
            assertThat(r.register("tls-value", V1)).isEqualTo(11);
        }
    }

    @Test
    void withoutAClientCertificateTheHandshakeFailsAsUnreachable() {
        RegistryConfig.Tls tls = RegistryConfig.Tls.trustStore(serverStore, STORE_PASSWORD, "PKCS12");
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(config().withTls(tls))) {
            RegistryException e = catchRegistry(() -> r.register("tls-value", V1));
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
            assertThat(e.getMessage()).contains("tls-value").doesNotContain(STORE_PASSWORD);
        }
    }

    @Test
    void theJvmDefaultTrustRefusesAnUnknownCertificate() {
        try (HttpSchemaRegistry r = new HttpSchemaRegistry(config())) {
            RegistryException e = catchRegistry(() -> r.schemaById(1));
            assertThat(e.kind()).isEqualTo(RegistryException.Kind.UNREACHABLE);
            assertThat(e.getMessage()).contains("TLS");
        }
    }

    private static Path keyPair(String name) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-alias", name, "-keyalg", "EC",
                "-dname", "CN=" + name, "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + "-keytool.log").toFile())
                .start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve(name + "-keytool.log"))).isZero();
        return store;
    }

    private static KeyStore load(Path path) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, STORE_PASSWORD.toCharArray());
        }
        return ks;
    }

    private static javax.net.ssl.KeyManager[] keyManagers(Path path) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(path), STORE_PASSWORD.toCharArray());
        return kmf.getKeyManagers();
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Path path) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(path));
        return tmf.getTrustManagers();
    }
}
