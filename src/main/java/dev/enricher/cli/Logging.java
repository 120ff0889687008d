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

    /**
     * Sends what {@code loggers} (and their children) log to {@code file} instead of the console, for a command
     * whose console is a report (chaos: the in-process broker's and clients' lines during restarts would bury it).
     * Closing the result gives those loggers back to the console.
     */
    static AutoCloseable toFile(java.nio.file.Path file, String... loggers) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return () -> { };
        }
        ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n");
        encoder.start();
        ch.qos.logback.core.FileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.FileAppender<>();
        appender.setContext(ctx);
        appender.setName("file-" + file.getFileName());
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        for (String name : loggers) {
            ch.qos.logback.classic.Logger logger = ctx.getLogger(name);
            logger.addAppender(appender);
            logger.setAdditive(false);
        }
        return () -> {
            for (String name : loggers) {
                ch.qos.logback.classic.Logger logger = ctx.getLogger(name);
                logger.detachAppender(appender);
                logger.setAdditive(true);
            }
            appender.stop();
        };
    }
}
