package dev.enricher.tools;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lines of a file as the bytes they are (no charset decoding, so what is sent is exactly what the file
 * holds), without the line end ({@code \n} or {@code \r\n}); blank lines (only spaces and tabs) are skipped
 * but counted, so line numbers match an editor's. One thread only.
 */
final class LineSource implements Closeable {
    /** A line and its 1-based number in the file. */
    record Line(long number, byte[] bytes) {
    }

    private final InputStream in;
    private long number;
    private boolean eof;

    LineSource(Path file) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    /** The next non-blank line, or null at the end of the file. */
    Line next() throws IOException {
        while (!eof) {
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
            if (b == -1) {
                eof = true;
                if (line.size() == 0) {
                    return null;
                }
            }
            number++;
            byte[] bytes = line.toByteArray();
            int end = bytes.length;
            if (end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
            if (!blank(bytes, end)) {
                return new Line(number, end == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, end));
            }
        }
        return null;
    }

    /** Non-blank lines of the file (a first pass, for a progress total). */
    static long count(Path file) throws IOException {
        long n = 0;
        try (LineSource s = new LineSource(file)) {
            while (s.next() != null) {
                n++;
            }
        }
        return n;
    }

    private static boolean blank(byte[] bytes, int end) {
        for (int i = 0; i < end; i++) {
            if (bytes[i] != ' ' && bytes[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
