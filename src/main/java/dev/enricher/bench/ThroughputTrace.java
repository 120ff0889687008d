package dev.enricher.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A time series of a growing count (inputs with an output, as the reader has seen them) sampled now and then, and
 * the rates read off it: over an interval, and trailing a window at every sample, to find the first moment a rate
 * reached a threshold. Times are {@link System#nanoTime} values; samples must come in time order.
 *
 * <p>Not thread-safe: one thread samples and reads.
 */
final class ThroughputTrace {
    private final List<long[]> samples = new ArrayList<>();

    /** Records {@code count} at {@code nanos}; a sample older than the last one is refused. */
    void add(long nanos, long count) {
        if (!samples.isEmpty() && nanos < samples.get(samples.size() - 1)[0]) {
            throw new IllegalArgumentException("samples must come in time order");
        }
        samples.add(new long[] {nanos, count});
    }

    int size() {
        return samples.size();
    }

    /**
     * The count at {@code nanos}, interpolated linearly between the samples around it (the first or last sample's
     * count outside them).
     *
     * @throws IllegalStateException when there is no sample
     */
    double countAt(long nanos) {
        if (samples.isEmpty()) {
            throw new IllegalStateException("no sample");
        }
        long[] first = samples.get(0);
        if (nanos <= first[0]) {
            return first[1];
        }
        int lo = 0;
        int hi = samples.size() - 1;
        if (nanos >= samples.get(hi)[0]) {
            return samples.get(hi)[1];
        }
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (samples.get(mid)[0] <= nanos) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        long[] a = samples.get(lo);
        long[] b = samples.get(hi);
        return a[1] + (double) (b[1] - a[1]) * (nanos - a[0]) / (b[0] - a[0]);
    }

    /** Events per second from {@code fromNanos} to {@code toNanos}; 0 for an empty interval. */
    double rate(long fromNanos, long toNanos) {
        if (toNanos <= fromNanos) {
            return 0;
        }
        return (countAt(toNanos) - countAt(fromNanos)) / ((toNanos - fromNanos) / 1e9);
    }

    /**
     * The first sample time at or after {@code afterNanos} whose trailing rate over {@code windowNanos} (the window
     * clipped to the first sample) is at least {@code threshold}; -1 when none is.
     */
    long firstReaching(double threshold, long afterNanos, long windowNanos) {
        long start = samples.isEmpty() ? 0 : samples.get(0)[0];
        for (long[] s : samples) {
            if (s[0] < afterNanos) {
                continue;
            }
            long from = Math.max(start, s[0] - windowNanos);
            if (s[0] > from && rate(from, s[0]) >= threshold) {
                return s[0];
            }
        }
        return -1;
    }

    /**
     * The trailing rate over {@code windowNanos} at every sample from {@code fromNanos} to {@code toNanos}, as
     * {seconds since {@code originNanos}, events per second} pairs, for a plot.
     */
    List<double[]> trailingRates(long originNanos, long fromNanos, long toNanos, long windowNanos) {
        List<double[]> points = new ArrayList<>();
        long start = samples.isEmpty() ? 0 : samples.get(0)[0];
        for (long[] s : samples) {
            if (s[0] < fromNanos || s[0] > toNanos) {
                continue;
            }
            long from = Math.max(start, s[0] - windowNanos);
            if (s[0] > from) {
                points.add(new double[] {(s[0] - originNanos) / 1e9, rate(from, s[0])});
            }
        }
        return points;
    }
}
