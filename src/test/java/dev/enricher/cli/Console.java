package dev.enricher.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Runs a command as a terminal shows it: its stdout, its stderr and every log event that reaches the root logger
 * (what the console appender would print, on stderr), interleaved in one text in the order they were written. A
 * check on the last line of {@link Result#combined} therefore fails when a log line follows a command's summary,
 * which the command's stdout alone cannot show.
 */
final class Console {
    private Console() {
    }

    /** What a command printed, returned and logged. */
    record Result(int exit, String out, String err, String combined) {
        /** The last line of {@code text} that is not blank, or "" when there is none. */
        static String lastNonBlankLine(String text) {
            List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        List<String> outLines() {
            return out.lines().toList();
        }

        String lastOutLine() {
            return lastNonBlankLine(out);
        }

        String lastCombinedLine() {
            return lastNonBlankLine(combined);
        }
    }

    /** Runs {@code command} (e.g. {@code bench pipeline}) followed by {@code args}. */
    static Result run(List<String> command, String... args) {
        List<String> all = new java.util.ArrayList<>(command);
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** Runs {@code args} through the real command line to the end. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        StringWriter combined = new StringWriter();
        // One lock for the three: a whole println and a whole log line go in at once.
        Object lock = combined;
        LogTee logs = new LogTee(combined, lock);
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(new Tee(out, combined, lock), true));
        cmd.setErr(new PrintWriter(new Tee(err, combined, lock), true));
        logs.setContext(root.getLoggerContext());
        logs.start();
        root.addAppender(logs);
        int exit;
        try {
            exit = cmd.execute(args);
        } finally {
            root.detachAppender(logs);
            logs.stop();
        }
        return new Result(exit, out.toString(), err.toString(), combined.toString());
    }

    /** Writes to its own text and to the combined one. */
    private static final class Tee extends Writer {
        private final Writer own;
        private final Writer combined;

        Tee(Writer own, Writer combined, Object lock) {
            super(lock);
            this.own = own;
            this.combined = combined;
        }

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            synchronized (lock) {
                own.write(buf, off, len);
                combined.write(buf, off, len);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /** Every log event that reaches the root logger, one line each, into the combined text. */
    private static final class LogTee extends AppenderBase<ILoggingEvent> {
        private final Writer combined;
        private final Object lock;

        LogTee(Writer combined, Object lock) {
            this.combined = combined;
            this.lock = lock;
            setName("console-test-tee");
        }

        @Override
        protected void append(ILoggingEvent event) {
            String line = event.getLevel() + " [" + event.getThreadName() + "] " + event.getLoggerName() + " - "
                    + event.getFormattedMessage() + System.lineSeparator();
            synchronized (lock) {
                try {
                    combined.write(line);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }
}
