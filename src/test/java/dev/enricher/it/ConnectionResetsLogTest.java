package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.enricher.client.ApiKey;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.RetryPolicy;
import dev.enricher.client.ZeroGpuClient;
import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A connection the API resets is a transient error the client retries and counts; it must not also reach the log as
 * an ERROR of the HTTP library (under a reset storm, hundreds of lines that ask nothing of the operator).
 */
class ConnectionResetsLogTest {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private Simulator simulator;
    private ZeroGpuClient client;

    @BeforeEach
    void capture() {
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
        if (client != null) {
            client.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void resetConnectionsAreRetriedWithoutErrorLines() throws Exception {
        simulator = Simulator.start(SimulatorConfig.builder().host("127.0.0.1").fixedLatency(Duration.ofMillis(2))
                .seed(3).faults(FaultSettings.none().withResetRate(0.5)).build());
        client = ZeroGpuClient.create(ClientConfig.builder().baseUrl(simulator.baseUrl())
                .apiKey(ApiKey.of("zgpu-api-it")).maxInFlight(16)
                .retry(new RetryPolicy(20, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(2),
                        Duration.ofSeconds(30))).build());
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            calls.add(client.complete(ChatRequest.builder(ModelCatalog.IAB).user("Event " + i + " at the stadium.")
                    .build()).toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        assertThat(simulator.stats().resets()).as("the fault happened").isPositive();
        assertThat(appender.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }
}
