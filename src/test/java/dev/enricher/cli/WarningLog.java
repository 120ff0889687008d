package dev.enricher.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Every WARN and ERROR logged in this JVM while open, whatever the logger (the service's, Kafka's, the embedded
 * broker's), after the filters of logback.xml, as an operator's console would show it.
 */
final class WarningLog implements AutoCloseable {
    /**
     * Warnings a normal start may log because they ask something real of the operator. None so far: a normal start
     * asks nothing. An entry needs the reason it is real next to it.
     */
    static final List<Pattern> ALLOWED = List.of();

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private WarningLog() {
        appender.start();
        root.addAppender(appender);
    }

    static WarningLog capture() {
        return new WarningLog();
    }

    /** The WARN and ERROR lines so far that {@link #ALLOWED} does not allow, as "LEVEL [thread] logger - message". */
    List<String> unexpected() {
        return List.copyOf(appender.list).stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .map(e -> e.getLevel() + " [" + e.getThreadName() + "] " + e.getLoggerName() + " - "
                        + e.getFormattedMessage())
                .filter(line -> ALLOWED.stream().noneMatch(p -> p.matcher(line).find()))
                .toList();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
    }
}
