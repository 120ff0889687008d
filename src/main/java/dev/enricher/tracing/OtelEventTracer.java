package dev.enricher.tracing;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.Choice;
import dev.enricher.client.Usage;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.engine.EventTracer;
import dev.enricher.engine.InputRecord;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.utils.Utils;

/**
 * The engine's {@link EventTracer} over OpenTelemetry. Span names and attributes follow the semantic conventions
 * where there is one (messaging for the event's span, generative AI client for each call attempt); the rest are
 * {@code enricher.*}.
 *
 * <p>Spans of one event: {@code enrich <topic>} (CONSUMER; child of the input's {@code traceparent}), and under it
 * {@code wait for call slot}, {@code chat <model>} (CLIENT, one per attempt), {@code retry backoff} and
 * {@code wait for key's turn}. After a restart, a crash or a rebalance the new owner's event span is a child of the
 * earlier owner's (kept in the pending entry), with a {@code resumed} event: one trace id from producer to output.
 */
public final class OtelEventTracer implements EventTracer {
    static final String INSTRUMENTATION = "dev.enricher";

    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> MESSAGING_OPERATION = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> MESSAGING_DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> MESSAGING_PARTITION =
            AttributeKey.stringKey("messaging.destination.partition.id");
    static final AttributeKey<Long> MESSAGING_OFFSET = AttributeKey.longKey("messaging.kafka.offset");
    static final AttributeKey<String> KEY_HASH = AttributeKey.stringKey("enricher.key_hash");
    static final AttributeKey<List<String>> TASKS = AttributeKey.stringArrayKey("enricher.tasks");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("enricher.outcome");
    static final AttributeKey<String> DEAD_LETTER_CATEGORY = AttributeKey.stringKey("enricher.dead_letter.category");
    static final AttributeKey<Boolean> RESUMED = AttributeKey.booleanKey("enricher.resumed");

    static final AttributeKey<String> GEN_AI_OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> GEN_AI_PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> GEN_AI_RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> GEN_AI_RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> GEN_AI_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> GEN_AI_INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> GEN_AI_OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> TASK = AttributeKey.stringKey("enricher.task");
    static final AttributeKey<Long> PIECE = AttributeKey.longKey("enricher.piece");
    static final AttributeKey<Long> RETRY = AttributeKey.longKey("enricher.retry");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("enricher.request_id");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("enricher.cost_usd");
    static final AttributeKey<Boolean> CACHED = AttributeKey.booleanKey("enricher.cached");
    static final AttributeKey<Boolean> HELD_BACK = AttributeKey.booleanKey("enricher.held_back");
    static final AttributeKey<String> RETRY_REASON = AttributeKey.stringKey("enricher.retry.reason");
    static final AttributeKey<Long> RETRY_DUE = AttributeKey.longKey("enricher.retry.due_epoch_ms");

    private static final TextMapGetter<List<InputRecord.Header>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(List<InputRecord.Header> carrier) {
            List<String> keys = new ArrayList<>(carrier.size());
            for (InputRecord.Header h : carrier) {
                keys.add(h.key());
            }
            return keys;
        }

        @Override
        public String get(List<InputRecord.Header> carrier, String key) {
            if (carrier == null) {
                return null;
            }
            // The last one wins, as Kafka's Headers.lastHeader does.
            for (int i = carrier.size() - 1; i >= 0; i--) {
                InputRecord.Header h = carrier.get(i);
                if (h.key().equalsIgnoreCase(key) && h.value() != null) {
                    return new String(h.value(), StandardCharsets.UTF_8);
                }
            }
            return null;
        }
    };

    private static final TextMapGetter<String> STORED = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private final Tracer tracer;
    private final W3CTraceContextPropagator propagator = W3CTraceContextPropagator.getInstance();

    public OtelEventTracer(OpenTelemetry otel) {
        this.tracer = otel.getTracer(INSTRUMENTATION,
                Optional.ofNullable(OtelEventTracer.class.getPackage().getImplementationVersion()).orElse("dev"));
    }

    @Override
    public EventTrace admitted(InputRecord in, List<String> tasks) {
        Context parent = propagator.extract(Context.root(), in.headers(), HEADERS);
        return new Trace(eventSpan(in, tasks, parent).startSpan());
    }

    @Override
    public EventTrace resumed(InputRecord in, List<String> tasks, String stored) {
        SpanContext earlier = stored == null ? SpanContext.getInvalid()
                : Span.fromContext(propagator.extract(Context.root(), stored, STORED)).getSpanContext();
        if (!earlier.isValid()) {
            return admitted(in, tasks);
        }
        Span span = eventSpan(in, tasks, Context.root().with(Span.wrap(earlier))).setAttribute(RESUMED, true)
                .startSpan();
        span.addEvent("resumed", Attributes.of(AttributeKey.stringKey("enricher.resumed.from_span_id"),
                earlier.getSpanId(), AttributeKey.stringKey("enricher.resumed.why"), "a new owner of the stream task "
                        + "took the event up from its pending entry (a restart, a crash or a rebalance)"));
        return new Trace(span);
    }

    private SpanBuilder eventSpan(InputRecord in, List<String> tasks, Context parent) {
        SpanBuilder b = tracer.spanBuilder("enrich " + in.topic()).setParent(parent).setSpanKind(SpanKind.CONSUMER)
                .setAttribute(MESSAGING_SYSTEM, "kafka").setAttribute(MESSAGING_OPERATION, "process")
                .setAttribute(MESSAGING_DESTINATION, in.topic())
                .setAttribute(MESSAGING_PARTITION, Integer.toString(in.partition()))
                .setAttribute(MESSAGING_OFFSET, in.offset()).setAttribute(TASKS, tasks);
        if (in.key() != null) {
            // The key itself may be personal data: a hash (Kafka's partitioner's) still finds its other events.
            b.setAttribute(KEY_HASH, Integer.toHexString(Utils.murmur2(in.key())));
        }
        return b;
    }

    /** {@code span}'s W3C traceparent: version 00, trace id, span id, flags. */
    static String traceparent(Span span) {
        SpanContext c = span.getSpanContext();
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    /** One event's spans. Stream thread only. */
    private final class Trace implements EventTrace {
        private final Span span;
        private final Context context;
        private final String traceparent;
        /** Open retry back-offs by task and piece; null until the first. */
        private Map<String, Span> backoffs;
        private Span keyWait;

        Trace(Span span) {
            this.span = span;
            this.context = Context.root().with(span);
            this.traceparent = OtelEventTracer.traceparent(span);
        }

        @Override
        public String traceparent() {
            return traceparent;
        }

        @Override
        public CallTrace call(String task, String model, int piece, int retry) {
            if (backoffs != null) {
                Span b = backoffs.remove(task + "#" + piece);
                if (b != null) {
                    b.end();
                }
            }
            return new Call(context, task, model, piece, retry);
        }

        @Override
        public void backoff(String task, int piece, long dueMillis, String reason) {
            SpanBuilder b = tracer.spanBuilder("retry backoff").setParent(context).setAttribute(TASK, task)
                    .setAttribute(RETRY_REASON, reason).setAttribute(RETRY_DUE, dueMillis);
            if (piece >= 0) {
                b.setAttribute(PIECE, piece);
            }
            if (backoffs == null) {
                backoffs = new HashMap<>(4);
            }
            Span earlier = backoffs.put(task + "#" + piece, b.startSpan());
            if (earlier != null) {
                earlier.end();
            }
        }

        @Override
        public void finished(boolean waitsForKey) {
            if (waitsForKey && keyWait == null) {
                keyWait = tracer.spanBuilder("wait for key's turn").setParent(context).startSpan();
            }
        }

        @Override
        public void ended(String outcome, String deadLetterCategory, String reason) {
            endChildren();
            span.setAttribute(OUTCOME, outcome);
            if (deadLetterCategory != null) {
                span.setAttribute(DEAD_LETTER_CATEGORY, deadLetterCategory);
                // The category, not the reason: a reason may quote the text, which must not leave for a trace store.
                span.setStatus(StatusCode.ERROR, "dead-lettered: " + deadLetterCategory);
            }
            span.end();
        }

        @Override
        public void handedOver() {
            endChildren();
            span.addEvent("handed over", Attributes.of(AttributeKey.stringKey("enricher.handed_over.why"),
                    "the stream task closed (a rebalance or a shutdown) before the event left; its next owner "
                            + "resumes it from the pending store"));
            span.end();
        }

        private void endChildren() {
            if (keyWait != null) {
                keyWait.end();
                keyWait = null;
            }
            if (backoffs != null) {
                backoffs.values().forEach(Span::end);
                backoffs = null;
            }
        }
    }

    /** One call's spans: its slot wait, then its attempts. One thread at a time. */
    private final class Call implements CallTrace {
        private final Context event;
        private final String task;
        private final String model;
        private final int piece;
        private final int retry;
        private Span slotWait;
        private Span attempt;

        Call(Context event, String task, String model, int piece, int retry) {
            this.event = event;
            this.task = task;
            this.model = model;
            this.piece = piece;
            this.retry = retry;
            this.slotWait = slotWait(false);
        }

        private Span slotWait(boolean heldBack) {
            SpanBuilder b = tracer.spanBuilder("wait for call slot").setParent(event).setAttribute(TASK, task);
            if (heldBack) {
                b.setAttribute(HELD_BACK, true);
            }
            return b.startSpan();
        }

        private Span attempt(boolean cached) {
            SpanBuilder b = tracer.spanBuilder("chat " + model).setParent(event).setSpanKind(SpanKind.CLIENT)
                    .setAttribute(GEN_AI_OPERATION, "chat").setAttribute(GEN_AI_PROVIDER, "zerogpu")
                    .setAttribute(GEN_AI_REQUEST_MODEL, model).setAttribute(TASK, task).setAttribute(RETRY, retry);
            if (piece >= 0) {
                b.setAttribute(PIECE, piece);
            }
            if (cached) {
                b.setAttribute(CACHED, true);
            }
            return b.startSpan();
        }

        private void endSlotWait() {
            if (slotWait != null) {
                slotWait.end();
                slotWait = null;
            }
        }

        @Override
        public String sending() {
            endSlotWait();
            attempt = attempt(false);
            return traceparent(attempt);
        }

        @Override
        public void answered(ChatCompletion completion, double costUsd, boolean cached) {
            endSlotWait();
            Span a = attempt != null ? attempt : attempt(true);
            attempt = null;
            if (!cached) {
                a.setAttribute(HTTP_STATUS, 200);
            }
            if (completion.model() != null) {
                a.setAttribute(GEN_AI_RESPONSE_MODEL, completion.model());
            }
            if (completion.id() != null) {
                a.setAttribute(GEN_AI_RESPONSE_ID, completion.id());
            }
            if (completion.requestId() != null) {
                a.setAttribute(REQUEST_ID, completion.requestId());
            }
            Usage u = completion.usage();
            if (u != null && u != Usage.NONE) {
                a.setAttribute(GEN_AI_INPUT_TOKENS, u.promptTokens());
                a.setAttribute(GEN_AI_OUTPUT_TOKENS, u.completionTokens());
            }
            List<String> reasons = new ArrayList<>(1);
            for (Choice c : completion.choices()) {
                if (c.finishReason() != null) {
                    reasons.add(c.finishReason());
                }
            }
            if (!reasons.isEmpty()) {
                a.setAttribute(GEN_AI_FINISH_REASONS, reasons);
            }
            if (costUsd >= 0) {
                a.setAttribute(COST, costUsd);
            }
            a.end();
        }

        @Override
        public void failed(ZeroGpuException error, boolean heldBack) {
            endSlotWait();
            Span a = attempt != null ? attempt : attempt(false);
            attempt = null;
            if (error.status() > 0) {
                a.setAttribute(HTTP_STATUS, error.status());
            }
            if (error.requestId() != null) {
                a.setAttribute(REQUEST_ID, error.requestId());
            }
            a.setAttribute(ERROR_TYPE, error.status() > 0 ? Integer.toString(error.status()) : error.kind().name());
            // The kind and the API's own error type: never the message, which may quote the request.
            a.setStatus(StatusCode.ERROR, error.disposition() + " " + error.kind()
                    + (error.type() == null ? "" : " (" + error.type() + ")"));
            if (heldBack) {
                a.setAttribute(HELD_BACK, true);
            }
            a.end();
            if (heldBack) {
                slotWait = slotWait(true);
            }
        }
    }
}
