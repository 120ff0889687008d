package dev.enricher.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The console as a user sees it: what a command writes to its own out and err, and what anything in the JVM writes
 * to {@code System.out} and {@code System.err}, in the order written. Logback's console appender looks
 * {@code System.err} up at every write, so log lines land here too: a check on the last line fails when a log line
 * follows a command's summary, which the command's stdout alone cannot show. The original streams still get what is
 * written to them, so the build log keeps it.
 */
final class Console implements AutoCloseable {
    /** What a command printed and returned, and the console around it. */
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
        List<String> all = new ArrayList<>(command);
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** Runs {@code args} through the real command line to the end, capturing the console meanwhile. */
    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (Console console = capture()) {
            CommandLine cmd = Main.commandLine();
            cmd.setOut(console.writer(out));
            cmd.setErr(console.writer(err));
            int exit = cmd.execute(args);
            return new Result(exit, out.toString(), err.toString(), String.join("\n", console.lines()));
        }
    }

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;

    private Console() {
    }

    /** Starts capturing {@code System.out} and {@code System.err}; {@link #close()} puts the originals back. */
    static Console capture() {
        Console console = new Console();
        System.setOut(console.tee(console.originalOut));
        System.setErr(console.tee(console.originalErr));
        return console;
    }

    /** A writer for a command's out or err: what it writes goes to {@code copy} and to the console. */
    PrintWriter writer(StringWriter copy) {
        return new PrintWriter(new Writer() {
            @Override
            public void write(char[] chars, int off, int len) {
                copy.write(chars, off, len);
                keep(new String(chars, off, len).getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        }, true);
    }

    /** The console's lines so far. */
    List<String> lines() {
        synchronized (bytes) {
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The last line with more than blanks on it, or "" when there is none. */
    String lastNonEmptyLine() {
        List<String> lines = lines().stream().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Override
    public void close() {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    private void keep(byte[] b) {
        synchronized (bytes) {
            bytes.write(b, 0, b.length);
        }
    }

    private PrintStream tee(PrintStream original) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                keep(new byte[] {(byte) b});
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (bytes) {
                    bytes.write(b, off, len);
                }
                original.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }
}
