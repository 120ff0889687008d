package dev.enricher.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import org.slf4j.LoggerFactory;

/** Switches the log format chosen in configuration ({@code log.format}): logback.xml picks its appender by it. */
final class Logging {
    static final String PROPERTY = "ENRICHER_LOG_FORMAT";

    private Logging() {
    }

    static void apply(boolean json) {
        String wanted = json ? "JSON" : "TEXT";
        String current = System.getProperty(PROPERTY, System.getenv().getOrDefault(PROPERTY, "TEXT"));
        if (current.equalsIgnoreCase(wanted)) {
            return;
        }
        System.setProperty(PROPERTY, wanted);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.reset();
            try {
                new ContextInitializer(ctx).autoConfig();
            } catch (JoranException e) {
                throw new IllegalStateException("cannot reconfigure logging: " + e.getMessage(), e);
            }
        }
    }
}
