package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * {@code api.http-version: 2} on the wire: calls multiplexed over a few connections to a server that speaks HTTP/2
 * in clear text (the simulator, and a bare server that records the version of every request), a fall back to HTTP/1.1
 * by itself against a server that refuses HTTP/2, and the simulator's per-request faults acting on one stream.
 */
class ClientHttp2Test {
    private static final ApiKey KEY = ApiKey.of("zgpu-api-test-h2");
    private static final ChatRequest REQUEST = ChatRequest.builder(ModelCatalog.IAB).user("hello world").build();

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T opened(T resource) {
        open.add(resource);
        return resource;
    }

    private Simulator simulator(SimulatorConfig.Builder b) {
        return opened(Simulator.start(b.instances(2).recentRequests(0).build()));
    }

    private VertxTransport transport(String baseUrl, ClientConfig.HttpVersion version, int maxInFlight) {
        return opened(VertxTransport.create(ClientConfig.builder().baseUrl(baseUrl).apiKey(KEY).maxInFlight(maxInFlight)
                .eventLoops(2).httpVersion(version).build()));
    }

    /** {@code n} calls sent at once; each future completes with the completion or the failure. */
    private static List<CompletableFuture<ChatCompletion>> sendAtOnce(VertxTransport t, int n) {
        List<CompletableFuture<ChatCompletion>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(t.send(REQUEST).toCompletableFuture());
        }
        return all;
    }

    private static void awaitAll(List<CompletableFuture<ChatCompletion>> all) throws Exception {
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get(30, TimeUnit.SECONDS);
    }

    @Test
    void twoHundredCallsAtOnceGoOverAFewHttp2ConnectionsToTheSimulator() throws Exception {
        Simulator sim = simulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(300)));
        VertxTransport t = transport(sim.baseUrl(), ClientConfig.HttpVersion.HTTP_2, 200);

        List<CompletableFuture<ChatCompletion>> all = sendAtOnce(t, 200);
        awaitAll(all);

        assertThat(all).allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(c -> !c.content().isEmpty()));
        assertThat(sim.stats().count(200)).isEqualTo(200);
        assertThat(t.connectionsOpened()).as("200 calls / 100 streams a connection").isBetween(1L, 4L);
        assertThat(t.httpVersion()).isEqualTo(ClientConfig.HttpVersion.HTTP_2);
    }

    @Test
    void theServerSeesHttp2RequestsOnAFewConnectionsAndHttp11WhenAskedFor() throws Exception {
        VersionRecordingServer server = opened(new VersionRecordingServer(true));
        VertxTransport h2 = transport(server.baseUrl(), ClientConfig.HttpVersion.HTTP_2, 200);
        List<CompletableFuture<ChatCompletion>> all = sendAtOnce(h2, 200);
        awaitAll(all);
        assertThat(all).allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(c -> "hello".equals(c.content())));
        assertThat(server.versions()).containsExactly(Map.entry(HttpVersion.HTTP_2, 200));
        assertThat(server.connections()).isBetween(1, 4);

        VersionRecordingServer other = opened(new VersionRecordingServer(true));
        VertxTransport h1 = transport(other.baseUrl(), ClientConfig.HttpVersion.HTTP_1_1, 20);
        awaitAll(sendAtOnce(h1, 20));
        assertThat(other.versions()).containsExactly(Map.entry(HttpVersion.HTTP_1_1, 20));
    }

    @Test
    void againstAServerThatRefusesHttp2TheTransportFallsBackToHttp11WithoutLosingACall() throws Exception {
        Simulator sim = simulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(50)).http2(false));
        VertxTransport t = transport(sim.baseUrl(), ClientConfig.HttpVersion.HTTP_2, 64);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger(VertxTransport.class);
        log.start();
        logger.addAppender(log);
        try {
            List<CompletableFuture<ChatCompletion>> first = sendAtOnce(t, 64);
            awaitAll(first);
            List<CompletableFuture<ChatCompletion>> then = sendAtOnce(t, 64);
            awaitAll(then);

            assertThat(first).allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(c -> !c.content().isEmpty()));
            assertThat(then).allSatisfy(f -> assertThat(f).isCompletedWithValueMatching(c -> !c.content().isEmpty()));
            assertThat(t.httpVersion()).isEqualTo(ClientConfig.HttpVersion.HTTP_1_1);
            assertThat(sim.stats().count(200)).isEqualTo(128);
            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN)
                    .singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .contains("does not speak HTTP/2").contains("HTTP/1.1");
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void aResetFaultOverHttp2FailsItsOwnCallNotTheConnectionsOthers() throws Exception {
        Simulator sim = simulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(200)).seed(11)
                .faults(FaultSettings.none().withResetRate(0.05)));
        VertxTransport t = transport(sim.baseUrl(), ClientConfig.HttpVersion.HTTP_2, 200);

        List<CompletableFuture<ChatCompletion>> all = sendAtOnce(t, 200);
        awaitAll(all);

        long failed = all.stream().filter(CompletableFuture::isCompletedExceptionally).count();
        assertThat(sim.stats().resets()).isPositive();
        assertThat(failed).as("one failed call per reset drawn").isEqualTo(sim.stats().resets());
        assertThat(sim.stats().count(200)).isEqualTo(200 - failed);
        assertThat(t.connectionsOpened()).as("the connections outlive the resets").isBetween(1L, 4L);
        assertThat(t.httpVersion()).isEqualTo(ClientConfig.HttpVersion.HTTP_2);
    }

    /**
     * A bare server on loopback answering every request with a fixed completion after 200 ms (so calls overlap), and
     * counting requests by HTTP version and connections accepted.
     */
    private static final class VersionRecordingServer implements AutoCloseable {
        private static final String BODY = "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
                + "\"total_tokens\":2}}";
        private final Vertx vertx = Vertx.vertx();
        private final HttpServer server;
        private final Map<HttpVersion, AtomicInteger> versions = new ConcurrentHashMap<>();
        private final Queue<Object> connections = new ConcurrentLinkedQueue<>();

        VersionRecordingServer(boolean http2) throws Exception {
            server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                            .setHttp2ClearTextEnabled(http2))
                    .connectionHandler(connections::add)
                    .requestHandler(req -> {
                        versions.computeIfAbsent(req.version(), v -> new AtomicInteger()).incrementAndGet();
                        req.body().onComplete(b -> vertx.setTimer(200, id -> req.response()
                                .putHeader("content-type", "application/json").putHeader("x-request-id", "req_h2")
                                .end(BODY)));
                    });
            server.listen().await(10, TimeUnit.SECONDS);
        }

        String baseUrl() {
            return "http://127.0.0.1:" + server.actualPort() + "/v1";
        }

        Map<HttpVersion, Integer> versions() {
            Map<HttpVersion, Integer> m = new java.util.TreeMap<>();
            versions.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }

        int connections() {
            return connections.size();
        }

        @Override
        public void close() throws Exception {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }
}
