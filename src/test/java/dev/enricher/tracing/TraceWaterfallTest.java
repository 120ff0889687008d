package dev.enricher.tracing;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TraceWaterfall}: spans made by the SDK with explicit timestamps, drawn, decoded back and measured. */
class TraceWaterfallTest {
    /** 2026-01-01T00:00:00Z in ms: every span's time is this plus a small offset. */
    private static final long T0 = 1_767_225_600_000L;

    private InMemorySpanExporter exporter;
    private SdkTracerProvider provider;
    private Tracer tracer;

    @TempDir
    Path dir;

    @BeforeEach
    void sdk() {
        exporter = InMemorySpanExporter.create();
        provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
        tracer = provider.get("dev.enricher.tracing.test");
    }

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void drawsOneRowPerSpanAtTheDocumentedSize() throws IOException {
        List<SpanData> trace = enrichTrace();
        Path png = dir.resolve("waterfall.png");
        TraceWaterfall.write(trace, "enrich one record", png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("a PNG ImageIO decodes").isNotNull();
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(image.getHeight()).isEqualTo(120 + 28 * trace.size());
        assertThat(countPixels(image, 0xD62728)).as("the failed call is drawn in the error colour").isPositive();
        assertThat(countPixels(image, 0x1F77B4)).as("the other spans in the span colour").isPositive();

        // -Dwaterfall.example=/tmp/waterfall-example.png keeps a copy to look at.
        String example = System.getProperty("waterfall.example");
        if (example != null) {
            Files.copy(png, Path.of(example), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void noErrorColourWithoutAnErrorSpan() throws IOException {
        Span root = start("enrich", null, 0);
        Span child = start("chat", root, 5);
        child.end(T0 + 40, MILLISECONDS);
        root.end(T0 + 50, MILLISECONDS);
        Path png = dir.resolve("ok.png");
        TraceWaterfall.write(exporter.getFinishedSpanItems(), "all fine", png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getHeight()).isEqualTo(120 + 28 * 2);
        assertThat(countPixels(image, 0xD62728)).isZero();
        assertThat(countPixels(image, 0x1F77B4)).isPositive();
    }

    @Test
    void rowsAreDepthFirstFromTheRootsInStartOrder() {
        List<SpanData> trace = enrichTrace();
        List<String> rows = TraceWaterfall.rows(trace).stream()
                .map(r -> "  ".repeat(r.depth()) + r.span().getName() + attempt(r.span()))
                .collect(Collectors.toList());
        assertThat(rows).containsExactly(
                "enrich",
                "  pending.put",
                "  task classify",
                "    chat#1",
                "    chat#2",
                "  task pii",
                "    chat#1",
                "  emit");
    }

    @Test
    void aSpanWhoseParentIsMissingIsARoot() {
        Span root = start("enrich", null, 0);
        Span lost = start("task", root, 2);
        Span grandchild = start("chat", lost, 3);
        grandchild.end(T0 + 9, MILLISECONDS);
        lost.end(T0 + 10, MILLISECONDS);
        root.end(T0 + 12, MILLISECONDS);
        List<SpanData> withoutMiddle = exporter.getFinishedSpanItems().stream()
                .filter(s -> !s.getName().equals("task")).toList();
        assertThat(TraceWaterfall.rows(withoutMiddle)).extracting(r -> r.span().getName() + "@" + r.depth())
                .containsExactly("enrich@0", "chat@0");
    }

    @Test
    void labelCarriesTheKeyAttributes() {
        Span s = tracer.spanBuilder("chat").setAttribute("gen_ai.request.model", "zgpu-small")
                .setAttribute("http.response.status_code", 503L).setAttribute("enricher.retry", 2L)
                .setAttribute("enricher.outcome", "retried").setAttribute("other", "not shown").startSpan();
        s.end();
        assertThat(TraceWaterfall.label(exporter.getFinishedSpanItems().get(0)))
                .isEqualTo("chat (zgpu-small, HTTP 503, retry 2, retried)");
    }

    @Test
    void richestTraceIsTheOneWithMostSpansTheEarliestOnATie() {
        // Trace A: 2 spans from +100 ms; trace B: 3 spans from +200 ms; trace C: 3 spans from +50 ms.
        String a = twoOrThree(2, 100);
        String b = twoOrThree(3, 200);
        List<SpanData> all = new ArrayList<>(exporter.getFinishedSpanItems());
        assertThat(TraceWaterfall.richestTrace(all)).hasSize(3).allMatch(s -> s.getTraceId().equals(b));
        String c = twoOrThree(3, 50);
        all = new ArrayList<>(exporter.getFinishedSpanItems());
        List<SpanData> richest = TraceWaterfall.richestTrace(all);
        assertThat(richest).hasSize(3).allMatch(s -> s.getTraceId().equals(c));
        assertThat(richest).extracting(SpanData::getStartEpochNanos).isSorted();
        assertThat(a).isNotIn(b, c);
        assertThat(TraceWaterfall.richestTrace(List.of())).isEmpty();
    }

    @Test
    void nothingToDrawIsAnError() {
        assertThatThrownBy(() -> TraceWaterfall.write(List.of(), "empty", dir.resolve("empty.png")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- traces ------------------------------------------------------------------------------------------------

    /**
     * One record's enrichment: two tasks concurrently, the first retried after a 503, then the emit. 8 spans.
     */
    private List<SpanData> enrichTrace() {
        Span root = tracer.spanBuilder("enrich").setSpanKind(SpanKind.CONSUMER).setNoParent()
                .setStartTimestamp(T0, MILLISECONDS).setAttribute("enricher.outcome", "enriched").startSpan();
        Span put = start("pending.put", root, 1);
        put.end(T0 + 4, MILLISECONDS);

        Span classify = start("task classify", root, 5);
        Span call1 = start("chat", classify, 6);
        call1.setAttribute("gen_ai.request.model", "zgpu-small");
        call1.setAttribute("http.response.status_code", 503L);
        call1.setAttribute("enricher.retry", 0L);
        call1.setStatus(StatusCode.ERROR, "HTTP 503");
        call1.addEvent("retry.scheduled", Attributes.of(AttributeKey.longKey("enricher.backoff_ms"), 100L),
                T0 + 118, MILLISECONDS);
        call1.end(T0 + 118, MILLISECONDS);
        Span call2 = start("chat", classify, 220);
        call2.setAttribute("gen_ai.request.model", "zgpu-small");
        call2.setAttribute("http.response.status_code", 200L);
        call2.setAttribute("enricher.retry", 1L);
        call2.addEvent("first.token", T0 + 260, MILLISECONDS);
        call2.end(T0 + 372, MILLISECONDS);
        classify.end(T0 + 374, MILLISECONDS);

        Span pii = start("task pii", root, 6);
        Span call3 = start("chat", pii, 8);
        call3.setAttribute("gen_ai.request.model", "zgpu-pii");
        call3.setAttribute("http.response.status_code", 200L);
        call3.setAttribute("enricher.retry", 0L);
        call3.end(T0 + 161, MILLISECONDS);
        pii.end(T0 + 162, MILLISECONDS);

        Span emit = start("emit", root, 376);
        emit.addEvent("committed", T0 + 389, MILLISECONDS);
        emit.end(T0 + 390, MILLISECONDS);
        root.end(T0 + 391, MILLISECONDS);
        return exporter.getFinishedSpanItems();
    }

    private Span start(String name, Span parent, long atMs) {
        var builder = tracer.spanBuilder(name).setStartTimestamp(T0 + atMs, MILLISECONDS);
        if (parent == null) {
            builder.setNoParent();
        } else {
            builder.setParent(Context.root().with(parent));
        }
        return builder.startSpan();
    }

    /** A new trace of {@code n} spans (root and n - 1 children) starting at {@code atMs}; returns its trace id. */
    private String twoOrThree(int n, long atMs) {
        Span root = start("root", null, atMs);
        for (int i = 1; i < n; i++) {
            start("child", root, atMs + i).end(T0 + atMs + i + 1, MILLISECONDS);
        }
        root.end(T0 + atMs + 10, MILLISECONDS);
        return root.getSpanContext().getTraceId();
    }

    private static String attempt(SpanData s) {
        Long retry = s.getAttributes().get(AttributeKey.longKey("enricher.retry"));
        return retry == null ? "" : "#" + (retry + 1);
    }

    private static long countPixels(BufferedImage image, int rgb) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }
}
