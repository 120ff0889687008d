package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Captures every logback event of the test JVM during each test (an appender on the root logger, with the project's
 * own loggers lowered to DEBUG so that debug lines are checked too) and fails the test when one of them, its
 * arguments or its exceptions show {@link PipelineFixture#API_KEY}.
 */
final class ApiKeyNeverLogged implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ApiKeyNeverLogged.class);

    static final class Capture extends AppenderBase<ILoggingEvent> {
        final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
        final AtomicLong seen = new AtomicLong();
        private final String secret;

        Capture(String secret) {
            this.secret = secret;
        }

        @Override
        protected void append(ILoggingEvent e) {
            seen.incrementAndGet();
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
                leaks.add((e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage()).replace(secret, "<API KEY>"));
            }
        }
    }

    private record State(Capture capture, Level projectLevel) {
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
        Capture capture = new Capture(PipelineFixture.API_KEY);
        capture.setContext(lc);
        capture.setName("api-key-capture");
        capture.start();
        Logger project = lc.getLogger("dev.enricher");
        Level before = project.getLevel();
        // DEBUG lines of the project reach this appender only; the console keeps its INFO threshold.
        lc.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders().forEachRemaining(a -> {
            if (a != capture && a.getCopyOfAttachedFiltersList().isEmpty()) {
                ch.qos.logback.classic.filter.ThresholdFilter f = new ch.qos.logback.classic.filter.ThresholdFilter();
                f.setLevel("INFO");
                f.start();
                a.addFilter(f);
            }
        });
        project.setLevel(Level.DEBUG);
        lc.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        context.getStore(NS).put("state", new State(capture, before));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        State state = context.getStore(NS).remove("state", State.class);
        if (state == null) {
            return;
        }
        LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
        lc.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(state.capture());
        lc.getLogger("dev.enricher").setLevel(state.projectLevel());
        state.capture().stop();
        List<String> leaks;
        synchronized (state.capture().leaks) {
            leaks = List.copyOf(state.capture().leaks);
        }
        assertThat(leaks).as("log lines showing the API key").isEmpty();
    }
}
