package dev.enricher.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * A logback appender on the root logger that records every event of this JVM whose message, arguments, MDC or
 * exceptions (messages and frames, causes and suppressed ones) show a secret. While it is installed the project's
 * own loggers run at DEBUG, so that debug lines are checked too; the other appenders keep an INFO threshold, so the
 * console does not fill with them.
 *
 * <p>Events arrive on whatever thread logs them; {@link #install} and {@link #uninstall} are called by one thread.
 */
final class SecretLeakAppender extends AppenderBase<ILoggingEvent> {
    private static final String PROJECT_LOGGER = "dev.enricher";

    private final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
    private final String secret;
    private final Level projectLevelBefore;

    private SecretLeakAppender(String secret, Level projectLevelBefore) {
        this.secret = secret;
        this.projectLevelBefore = projectLevelBefore;
    }

    /** Attaches a new appender watching for {@code secret} and lowers the project's loggers to DEBUG. */
    static SecretLeakAppender install(String secret) {
        LoggerContext lc = context();
        Logger project = lc.getLogger(PROJECT_LOGGER);
        SecretLeakAppender appender = new SecretLeakAppender(secret, project.getLevel());
        appender.setContext(lc);
        appender.setName("secret-leak-capture");
        appender.start();
        Logger root = lc.getLogger(Logger.ROOT_LOGGER_NAME);
        // DEBUG lines of the project reach this appender only; the console keeps its INFO threshold.
        root.iteratorForAppenders().forEachRemaining(a -> {
            if (a.getCopyOfAttachedFiltersList().isEmpty()) {
                ThresholdFilter f = new ThresholdFilter();
                f.setLevel("INFO");
                f.start();
                a.addFilter(f);
            }
        });
        project.setLevel(Level.DEBUG);
        root.addAppender(appender);
        return appender;
    }

    /**
     * Detaches this appender, gives the project's loggers their level back, and returns the events seen that showed
     * the secret, as {@code LEVEL logger: message} with the secret masked.
     */
    List<String> uninstall() {
        LoggerContext lc = context();
        lc.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        lc.getLogger(PROJECT_LOGGER).setLevel(projectLevelBefore);
        stop();
        synchronized (leaks) {
            return List.copyOf(leaks);
        }
    }

    @Override
    protected void append(ILoggingEvent e) {
        StringBuilder all = new StringBuilder(e.getFormattedMessage() == null ? "" : e.getFormattedMessage());
        if (e.getArgumentArray() != null) {
            for (Object a : e.getArgumentArray()) {
                all.append(' ').append(a);
            }
        }
        all.append(' ').append(e.getMDCPropertyMap());
        for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            all.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
            for (IThrowableProxy s : t.getSuppressed()) {
                all.append(' ').append(s.getMessage());
            }
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                all.append(' ').append(frame.getSTEAsString());
            }
        }
        if (all.indexOf(secret) >= 0) {
            leaks.add((e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).replace(secret, "<secret>"));
        }
    }

    private static LoggerContext context() {
        return (LoggerContext) LoggerFactory.getILoggerFactory();
    }
}
