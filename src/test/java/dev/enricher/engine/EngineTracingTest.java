package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.client.Disposition;
import dev.enricher.serde.decode.DecoderConfig;
import dev.enricher.serde.decode.InputDecoder;
import dev.enricher.serde.decode.InputFormat;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.tracing.OtelEventTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's trace of each event across its async boundary, on processor incarnations that share one pending
 * store (as {@link EnrichmentProcessorRestoreTest} does): a rebalance hands the event over and its next owner
 * continues the same trace; after a kill the new owner continues it under the span kept in the entry; an event that
 * waits for its key's turn shows the wait; a dead letter's span says so; with no tracer nothing is added.
 */
class EngineTracingTest {
    private static final EnrichmentTask IAB = TaskFactory.create(TaskSpec.of(TaskType.IAB));
    private static final String IAB_ANSWER = "{\"audience\":[],\"content\":{\"iab_1_0\":[],\"iab_2_2\":[]}}";
    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String PRODUCER_SPAN = "b7ad6b7169203331";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
    private FakeChatTransport client = new FakeChatTransport();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final EnrichmentProcessorTest.RecordingSink sink = new EnrichmentProcessorTest.RecordingSink();
    private final KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("pending"), Serdes.Bytes(), Serdes.ByteArray())
            .withCachingDisabled().withLoggingDisabled().build();
    private final List<AutoCloseable> killed = new java.util.ArrayList<>();
    private EngineConfig config;
    private EnrichmentEngine engine;
    private MockProcessorContext<byte[], byte[]> context;
    private Processor<byte[], byte[], byte[], byte[]> processor;
    private long offset;
    private boolean traced = true;

    @BeforeEach
    void initStore() {
        store.init(new MockProcessorContext<byte[], byte[]>().getStateStoreContext(), store);
        config = new EngineConfig(16, 100, Ordering.KEY, TaskFailurePolicy.DEAD_LETTER,
                dev.enricher.client.RetryPolicy.defaults(), Duration.ofMillis(20), Duration.ofMillis(10), 20,
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(15), clock);
    }

    @AfterEach
    void stop() throws Exception {
        if (processor != null) {
            processor.close();
        }
        if (engine != null) {
            engine.close();
        }
        client.close();
        for (AutoCloseable c : killed) {
            c.close();
        }
        sdk.close();
    }

    private void start() {
        engine = newEngine();
        incarnation();
    }

    private EnrichmentEngine newEngine() {
        EnrichmentEngine e = new EnrichmentEngine(config, List.of(IAB),
                InputDecoder.create(DecoderConfig.defaults(InputFormat.JSON), null), sink, client);
        if (traced) {
            e.tracer(new OtelEventTracer(sdk));
        }
        return e;
    }

    /** A new processor over the same store, the previous one closed cleanly: a rebalance. */
    private void incarnation() {
        if (processor != null) {
            processor.close();
        }
        context = new MockProcessorContext<>();
        context.addStateStore(store);
        processor = engine.processorSupplier("pending").get();
        processor.init(context);
    }

    /** A kill -9: nothing of the old incarnation is closed; a new engine and processor over the same store. */
    private void killAndRestart() {
        killed.add(engine);
        killed.add(client);
        processor = null;
        client = new FakeChatTransport();
        engine = newEngine();
        incarnation();
    }

    private void pipe(String key, int n, String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        if (traceparent != null) {
            headers.add("traceparent", traceparent.getBytes(StandardCharsets.US_ASCII));
        }
        context.setRecordMetadata("in", 0, offset++);
        processor.process(new Record<>(key.getBytes(StandardCharsets.UTF_8), ("{\"id\":\"e" + n
                + "\",\"text\":\"Football match report [ev" + n + "]\"}").getBytes(StandardCharsets.UTF_8),
                clock.millis(), headers));
    }

    private void punctuate() {
        client.settle();
        clock.advance(Duration.ofMillis(20));
        for (MockProcessorContext.CapturedPunctuator p : context.scheduledPunctuators()) {
            p.getPunctuator().punctuate(clock.millis());
        }
    }

    private void answerAll(int event) {
        for (FakeChatTransport.FakeCall c : client.unanswered()) {
            if (c.mentions("[ev" + event + "]")) {
                c.succeed(IAB_ANSWER);
            }
        }
    }

    private List<SpanData> named(String name) {
        return spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    }

    private String outputTraceparent(int index) {
        Header h = context.forwarded().get(index).record().headers().lastHeader("traceparent");
        return h == null ? null : new String(h.value(), StandardCharsets.US_ASCII);
    }

    private static List<String> eventNames(SpanData s) {
        return s.getEvents().stream().map(EventData::getName).toList();
    }

    @Test
    void aRebalanceHandsTheEventOverAndItsNextOwnerContinuesTheSameTrace() {
        start();
        pipe("A", 0, "00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01");
        punctuate();
        assertThat(named("enrich in")).isEmpty();

        incarnation();
        SpanData first = named("enrich in").get(0);
        assertThat(first.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(first.getParentSpanId()).isEqualTo(PRODUCER_SPAN);
        assertThat(eventNames(first)).containsExactly("handed over");

        answerAll(0);
        punctuate();
        assertThat(context.forwarded()).hasSize(1);
        List<SpanData> events = named("enrich in");
        assertThat(events).hasSize(2);
        SpanData resumed = events.get(1);
        assertThat(resumed.getTraceId()).as("the same trace").isEqualTo(TRACE_ID);
        assertThat(resumed.getParentSpanId()).as("under the earlier owner's span").isEqualTo(first.getSpanId());
        assertThat(eventNames(resumed)).containsExactly("resumed");
        assertThat(resumed.getAttributes().get(AttributeKey.booleanKey("enricher.resumed"))).isTrue();
        assertThat(resumed.getAttributes().get(AttributeKey.stringKey("enricher.outcome"))).isEqualTo("enriched");
        assertThat(outputTraceparent(0)).isEqualTo("00-" + TRACE_ID + "-" + resumed.getSpanId() + "-01");
        // The re-sent call is a child of the resumed span.
        assertThat(named("chat " + IAB.model())).anySatisfy(c -> {
            assertThat(c.getParentSpanId()).isEqualTo(resumed.getSpanId());
            assertThat(c.getTraceId()).isEqualTo(TRACE_ID);
        });
    }

    @Test
    void afterAKillTheNewOwnerContinuesTheTraceUnderTheSpanKeptInTheEntry() {
        start();
        pipe("A", 0, "00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01");
        punctuate();
        // The slot wait ended when the call went out: it names the event's span, which dies with the process.
        String lostEventSpan = named("wait for call slot").get(0).getParentSpanId();

        killAndRestart();
        answerAll(0);
        punctuate();
        assertThat(context.forwarded()).hasSize(1);
        SpanData resumed = named("enrich in").get(0);
        assertThat(named("enrich in")).hasSize(1);
        assertThat(resumed.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(resumed.getParentSpanId()).isEqualTo(lostEventSpan);
        assertThat(eventNames(resumed)).containsExactly("resumed");
        assertThat(resumed.getEvents().get(0).getAttributes()
                .get(AttributeKey.stringKey("enricher.resumed.from_span_id"))).isEqualTo(lostEventSpan);
        assertThat(outputTraceparent(0)).contains(TRACE_ID).contains(resumed.getSpanId());
    }

    @Test
    void anEventThatWaitsForItsKeysTurnShowsTheWait() {
        start();
        pipe("A", 0, null);
        pipe("A", 1, null);
        answerAll(1);
        punctuate();
        assertThat(context.forwarded()).isEmpty();
        answerAll(0);
        punctuate();
        assertThat(context.forwarded()).hasSize(2);

        List<SpanData> events = named("enrich in");
        assertThat(events).hasSize(2);
        SpanData second = events.stream().filter(s -> s.getAttributes()
                .get(AttributeKey.longKey("messaging.kafka.offset")) == 1L).findFirst().orElseThrow();
        List<SpanData> waits = named("wait for key's turn");
        assertThat(waits).singleElement().satisfies(w -> {
            assertThat(w.getParentSpanId()).isEqualTo(second.getSpanId());
            assertThat(w.getEndEpochNanos()).isLessThanOrEqualTo(second.getEndEpochNanos());
        });
        // Each output carries its own event's span.
        assertThat(outputTraceparent(1)).contains(second.getSpanId());
    }

    @Test
    void aDeadLetteredEventsSpanSaysSoWithoutTheReasonsText() {
        start();
        pipe("A", 0, null);
        client.unanswered().get(0).fail(FakeChatTransport.httpError(Disposition.RECORD, 400));
        punctuate();
        assertThat(context.forwarded()).hasSize(1);
        SpanData event = named("enrich in").get(0);
        assertThat(event.getAttributes().get(AttributeKey.stringKey("enricher.outcome"))).isEqualTo("dead_lettered");
        assertThat(event.getAttributes().get(AttributeKey.stringKey("enricher.dead_letter.category")))
                .isEqualTo("API_RECORD_ERROR");
        assertThat(event.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(event.getStatus().getDescription()).isEqualTo("dead-lettered: API_RECORD_ERROR");
        SpanData call = named("chat " + IAB.model()).get(0);
        assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(400L);
        assertThat(call.getStatus().getDescription()).doesNotContain("fake HTTP");
    }

    @Test
    void withNoTracerNothingIsTracedAndOutputsKeepTheirInputsHeaders() {
        traced = false;
        start();
        String producer = "00-" + TRACE_ID + "-" + PRODUCER_SPAN + "-01";
        pipe("A", 0, producer);
        answerAll(0);
        punctuate();
        assertThat(spans.getFinishedSpanItems()).isEmpty();
        assertThat(sink.byOffset.get(0L).input().headers()).extracting(InputRecord.Header::key)
                .containsExactly("traceparent");
        assertThat(store.approximateNumEntries()).isZero();
        assertThat(Map.of("calls", client.requestCount())).containsEntry("calls", 1);
    }
}
