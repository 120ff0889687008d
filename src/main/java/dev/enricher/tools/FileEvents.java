package dev.enricher.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The events of a file, one per non-blank line, sent as the bytes the file holds. Lines are read in a
 * {@link LineFormat}; a bad line (not a JSON object, when read as JSON) is reported with its number and then sent,
 * skipped or made to stop the run, as the {@link BadLinePolicy} says. One thread only.
 */
public final class FileEvents implements EventSource {
    /** How many bad lines are reported one by one before they are only counted. */
    static final int LISTED_BAD_LINES = 20;

    private final Path file;
    private final LineSource lines;
    private final LineFormat format;
    private final BadLinePolicy onBadLine;
    private final EventKeys keys;
    private final Consumer<String> report;
    private long sent;
    private long badLines;

    /**
     * Opens the file.
     *
     * @param report receives one line of text per reported bad line, and one when the rest are only counted
     * @throws IOException when the file cannot be opened
     */
    public FileEvents(Path file, LineFormat format, BadLinePolicy onBadLine, EventKeys keys, Consumer<String> report)
            throws IOException {
        this.file = Objects.requireNonNull(file, "file");
        this.format = Objects.requireNonNull(format, "format");
        this.onBadLine = Objects.requireNonNull(onBadLine, "onBadLine");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.report = Objects.requireNonNull(report, "report");
        this.lines = new LineSource(file);
    }

    /** The non-blank lines of a file: a first pass, for a progress total. */
    public static long count(Path file) throws IOException {
        return LineSource.count(file);
    }

    @Override
    public OutgoingEvent next() throws IOException {
        while (true) {
            LineSource.Line line;
            try {
                line = lines.next();
            } catch (IOException e) {
                throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (line == null) {
                return null;
            }
            String label = file.getFileName() + ":" + line.number();
            LineFormat.Reading reading = format.read(line.bytes());
            if (reading.problem() != null && !sendBadLine(label, reading.problem())) {
                continue;
            }
            return new OutgoingEvent(keys.keyOf(sent++, reading.event()), line.bytes(), label);
        }
    }

    private boolean sendBadLine(String label, String problem) throws BadLineException {
        badLines++;
        if (badLines <= LISTED_BAD_LINES) {
            report.accept(label + ": " + problem + ": " + onBadLine.action());
        } else if (badLines == LISTED_BAD_LINES + 1) {
            report.accept("more bad lines follow; only their count is reported");
        }
        return onBadLine.send(label);
    }

    @Override
    public long badLines() {
        return badLines;
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
