package dev.enricher.tracing;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the first {@code max} finished spans in memory, for the demo's picture of one event's trace. A span
 * processor beside the exporter (if any): it changes nothing of what is exported. Thread-safe.
 */
public final class SpanCollector implements SpanProcessor {
    private final int max;
    private final List<SpanData> spans = new ArrayList<>();

    /** @param max spans kept at most; later ones are dropped */
    public SpanCollector(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        this.max = max;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        if (!span.getSpanContext().isSampled()) {
            return;
        }
        synchronized (spans) {
            if (spans.size() < max) {
                spans.add(span.toSpanData());
            }
        }
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }

    static final int PICTURE_ROWS = 30;

    static List<SpanData> mostTelling(List<SpanData> all) {
        java.util.Map<String, List<SpanData>> byTrace = new java.util.LinkedHashMap<>();
        for (SpanData s : all) {
            byTrace.computeIfAbsent(s.getTraceId(), k -> new ArrayList<>()).add(s);
        }
        List<SpanData> best = null;
        long bestKinds = -1;
        for (List<SpanData> t : byTrace.values()) {
            if (t.size() > PICTURE_ROWS) {
                continue;
            }
            long kinds = t.stream().map(s -> s.getName().startsWith("chat ") ? "chat" : s.getName()).distinct().count();
            if (kinds > bestKinds || (kinds == bestKinds && t.size() > best.size())) {
                best = t;
                bestKinds = kinds;
            }
        }
        return best != null ? best : TraceWaterfall.richestTrace(all);
    }

    /** How many spans were kept so far. */
    public int size() {
        synchronized (spans) {
            return spans.size();
        }
    }

    /** The spans kept so far, in the order they ended. */
    List<SpanData> spans() {
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }

    /**
     * Draws the most telling trace among those kept to {@code png} (see {@link TraceWaterfall}): of the traces that fit
     * a picture ({@value #PICTURE_ROWS} spans at most), the one with the most kinds of span (calls, slot waits,
     * back-offs, key waits...), then the most spans; the one with the most spans when none fits.
     *
     * @return how many spans the picture shows; 0 (and no file) when none were kept
     */
    public int drawRichestTrace(String title, Path png) throws IOException {
        List<SpanData> trace = mostTelling(spans());
        if (trace.isEmpty()) {
            return 0;
        }
        TraceWaterfall.write(trace, title, png);
        return trace.size();
    }
}
