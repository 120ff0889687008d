package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.enricher.client.ScriptedServer.Answer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The API key must not reach a log line, an exception or a toString, even at DEBUG and when the server echoes it. */
class SecretsNeverLeakTest {
    private static final String SECRET = "zgpu-api-very-secret-value-9";
    private final ScriptedServer server = new ScriptedServer();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("dev.enricher");
    private Level previous;

    @BeforeEach
    void capture() {
        previous = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
        logger.setLevel(previous);
        server.close();
    }

    @Test
    void noSecretInLogsExceptionsOrToString() {
        String echo = "{\"error\":{\"message\":\"bad key " + SECRET + "\",\"param\":\"" + SECRET + "\"}}";
        server.then(Answer.status(503, echo), Answer.status(429, echo).header("retry-after", "0"),
                Answer.status(403, echo));
        ClientConfig config = ClientConfig.builder().baseUrl(server.baseUrl()).apiKey(ApiKey.of(SECRET))
                .random(new Random(1)).retry(new RetryPolicy(5, Duration.ofMillis(1), Duration.ofMillis(2),
                        Duration.ofSeconds(1), Duration.ofSeconds(10))).build();
        StringBuilder everything = new StringBuilder(config.toString());
        try (ZeroGpuClient client = ZeroGpuClient.create(config)) {
            everything.append(client);
            CompletableFuture<ChatCompletion> f = client.complete(ChatRequest.builder("m").user("x").build())
                    .toCompletableFuture();
            Throwable t = f.handle((c, e) -> e).join();
            assertThat(t).isInstanceOf(ZeroGpuException.class);
            ZeroGpuException e = (ZeroGpuException) t;
            assertThat(e.status()).isEqualTo(403);
            everything.append(e).append(e.getMessage()).append(e.apiMessage()).append(e.param());
        }
        assertThat(appender.list).isNotEmpty(); // DEBUG lines about the retries were written
        appender.list.forEach(event -> {
            everything.append(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                everything.append(event.getThrowableProxy().getMessage());
            }
        });
        assertThat(everything.toString()).doesNotContain(SECRET).contains("zgpu-***");
    }
}
