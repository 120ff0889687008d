package dev.enricher.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The watch behind the fixture's "no key in the logs" invariant sees the key wherever a log event carries it. */
class SecretLeakAppenderTest {
    private static final String SECRET = "zgpu-api-leak-test-5e1f";
    private static final Logger PROJECT = LoggerFactory.getLogger("dev.enricher.testing.leaky");
    private static final Logger OTHER = LoggerFactory.getLogger("org.example.leaky");

    @Test
    void seesTheSecretInMessagesArgumentsMdcAndExceptionsAtDebugAndMasksIt() {
        Level before = projectLevel();
        SecretLeakAppender watch = SecretLeakAppender.install(SECRET);
        try {
            PROJECT.debug("calling with key {}", SECRET);
            PROJECT.info("a clean line");
            OTHER.warn("refused", new IllegalStateException("bad key", new RuntimeException("key=" + SECRET)));
            MDC.put("key", SECRET);
            try {
                PROJECT.info("a line with the key in its MDC");
            } finally {
                MDC.remove("key");
            }
        } finally {
            assertThat(watch.uninstall()).hasSize(3)
                    .allSatisfy(leak -> assertThat(leak).doesNotContain(SECRET))
                    .anySatisfy(leak -> assertThat(leak).startsWith("DEBUG dev.enricher.testing.leaky: calling with key"))
                    .anySatisfy(leak -> assertThat(leak).startsWith("WARN org.example.leaky: refused"));
        }
        assertThat(projectLevel()).as("the project's level after uninstall").isEqualTo(before);
    }

    private static Level projectLevel() {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("dev.enricher").getLevel();
    }
}
