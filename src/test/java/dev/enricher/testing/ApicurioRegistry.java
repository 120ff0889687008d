package dev.enricher.testing;

import static org.awaitility.Awaitility.await;

import dev.enricher.serde.HttpSchemaRegistry;
import dev.enricher.serde.RegistryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Apicurio Registry (the app unpacked by {@code mvn test} into {@code target/apicurio}) running as a child
 * process on loopback, with the global compatibility rule BACKWARD, for one test class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ApicurioRegistry REGISTRY = new ApicurioRegistry();
 * }</pre>
 *
 * Started before the class's first test (about 7 s, ~250 MB), stopped after its last. Its output goes to
 * {@code target/apicurio-<port>.log}. Tests share its state: use distinct subjects.
 */
public final class ApicurioRegistry implements BeforeAllCallback, AfterAllCallback {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private Process process;
    private HttpSchemaRegistry client;
    private Thread reaper;
    private int port;
    private Path log;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    /** Starts the registry and waits until its Confluent API answers. */
    public synchronized void start() throws IOException {
        if (process != null) {
            return;
        }
        Path home = home();
        Path jar = home.resolve("apicurio-registry-app-3.0.9-runner.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Apicurio Registry is not unpacked: " + jar + " is missing; run `mvn test` "
                    + "(generate-test-resources unpacks it into target/apicurio)");
        }
        port = freePort();
        int management = freePort();
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx384m",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + management,
                "-Dapicurio.rules.global.compatibility=BACKWARD",
                "-jar", jar.toString()));
        Path target = home.getParent() != null ? home.getParent() : Path.of("target");
        log = target.resolve("apicurio-" + port + ".log");
        process = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // If the test JVM exits without afterAll (a crash, a kill of the fork), do not leave the registry running.
        Process started = process;
        reaper = new Thread(started::destroyForcibly, "apicurio-reaper-" + port);
        Runtime.getRuntime().addShutdownHook(reaper);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        URI subjects = URI.create(ccompatUrl() + "/subjects");
        try {
            await("Apicurio Registry answering on " + subjects + " (log: " + log + ")")
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + "; see " + log);
                        }
                        try {
                            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(subjects).timeout(Duration.ofSeconds(2)).GET().build(),
                                    HttpResponse.BodyHandlers.discarding());
                            return r.statusCode() == 200;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** This project's client of the registry's Confluent API, made once and closed with the registry. */
    public synchronized HttpSchemaRegistry client() {
        if (client == null) {
            client = new HttpSchemaRegistry(RegistryConfig.of(ccompatUrl()));
        }
        return client;
    }

    /** Stops the registry: a polite signal, then a kill after a bound. */
    public synchronized void stop() {
        if (client != null) {
            client.close();
            client = null;
        }
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The Confluent-compatible API root, e.g. {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    /** Apicurio's own (core v3) API root, for Apicurio's serdes. */
    public String coreUrl() {
        return baseUrl() + "/apis/registry/v3";
    }

    public String baseUrl() {
        if (port == 0) {
            throw new IllegalStateException("Apicurio Registry is not started");
        }
        return "http://127.0.0.1:" + port;
    }

    private static Path home() {
        String home = System.getProperty("apicurio.home");
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("system property apicurio.home is not set: run the tests with `mvn test`, "
                    + "which unpacks Apicurio Registry into target/apicurio and passes its location");
        }
        return Path.of(home).toAbsolutePath();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
