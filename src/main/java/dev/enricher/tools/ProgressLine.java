package dev.enricher.tools;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A one-line progress display on a terminal: count, share of the total, rate and time left, redrawn in place
 * with a carriage return at most five times a second. Disabled, it prints nothing. One thread only.
 */
public final class ProgressLine {
    private static final long REDRAW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final PrintWriter err;
    private final String label;
    private final long total;
    private final boolean enabled;
    private final LongSupplier nanoTime;
    private final long start;
    private long lastDraw;
    private int lastWidth;

    /**
     * @param total the expected count, or a negative number when unknown (then no share and no time left)
     */
    public ProgressLine(PrintWriter err, String label, long total, boolean enabled, LongSupplier nanoTime) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.enabled = enabled;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
        this.lastDraw = start;
    }

    /** Redraws if the last redraw is old enough. */
    public void update(long done) {
        if (!enabled) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - lastDraw >= REDRAW_NANOS) {
            draw(done, now);
        }
    }

    /** Draws the final state and ends the line. */
    public void finish(long done) {
        if (!enabled) {
            return;
        }
        draw(done, nanoTime.getAsLong());
        err.println();
        err.flush();
    }

    /** The text of the line for {@code done} events after {@code elapsedNanos}. */
    String render(long done, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        double rate = seconds > 0 ? done / seconds : 0;
        StringBuilder sb = new StringBuilder(label).append(": ").append(String.format(Locale.ROOT, "%,d", done));
        if (total >= 0) {
            sb.append(String.format(Locale.ROOT, "/%,d (%.0f%%)", total, total == 0 ? 100.0 : 100.0 * done / total));
        }
        sb.append(String.format(Locale.ROOT, " %,.0f/s", rate));
        if (total >= 0 && rate > 0 && done < total) {
            long left = (long) Math.ceil((total - done) / rate);
            sb.append(String.format(Locale.ROOT, " ETA %d:%02d", left / 60, left % 60));
        }
        return sb.toString();
    }

    private void draw(long done, long now) {
        lastDraw = now;
        String line = render(done, now - start);
        // Blank out the rest of a longer previous line.
        String pad = " ".repeat(Math.max(0, lastWidth - line.length()));
        lastWidth = line.length();
        err.print("\r" + line + pad);
        err.flush();
    }
}
