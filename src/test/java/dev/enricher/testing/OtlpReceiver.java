package dev.enricher.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A real OTLP/HTTP trace receiver for tests: what an OpenTelemetry exporter with protocol {@code http/protobuf}
 * (or {@code http/json}) sends to {@code POST /v1/traces} is decoded with the OTLP protobuf messages and kept as
 * {@link ReceivedSpan}s, so a test asserts on the spans exactly as they crossed the wire (ids, parentage, attributes,
 * events, status, resource) rather than on the SDK's in-memory objects.
 *
 * <p>Bound to 127.0.0.1 on a free port; {@link #endpoint()} is the base URL to give as
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} (the exporter appends {@code /v1/traces}). Accepts
 * {@code application/x-protobuf} and, when protobuf-java-util is on the class path (it is not in this project
 * today), OTLP JSON; answers 415 for JSON otherwise. {@code Content-Encoding: gzip} is inflated.
 *
 * <p>The JDK's {@code com.sun.net.httpserver.HttpServer} rather than Vert.x: the load is a handful of requests per
 * test, the server binds synchronously in {@link #start()} with no event loop or {@code Vertx} instance to create,
 * share or leak, and it stays out of the way of the Vert.x the code under test runs (its blocked-thread checker,
 * its threads in thread dumps and leak checks).
 */
public final class OtlpReceiver implements AutoCloseable {
    /** The path an OTLP/HTTP exporter posts traces to, under {@link #endpoint()}. */
    public static final String TRACES_PATH = "/v1/traces";

    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";
    private static final int MAX_BODY_BYTES = 64 << 20;
    private static final HexFormat HEX = HexFormat.of();
    /** {@code JsonFormat.parser().ignoringUnknownFields()} of protobuf-java-util, or null without it. */
    private static final Object JSON_PARSER = jsonParser();

    /**
     * One span as received. Ids are lowercase hex ({@code ""} for no parent); {@code kind} is the SDK's
     * {@code SpanKind} name ({@code INTERNAL}, {@code SERVER}, {@code CLIENT}, {@code PRODUCER}, {@code CONSUMER};
     * {@code UNSPECIFIED} if the sender left it out) and {@code statusCode} the SDK's {@code StatusCode} name
     * ({@code UNSET}, {@code OK}, {@code ERROR}). Attribute values are String, Long, Double, Boolean or a List of
     * those (a key-value list becomes a Map, bytes a hex String). {@code eventAttributes} is keyed by event name,
     * the last event of a name winning; {@code links} holds the linked span ids.
     */
    public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
                               long startEpochNanos, long endEpochNanos, Map<String, Object> attributes,
                               List<String> events, Map<String, Map<String, Object>> eventAttributes,
                               String statusCode, Map<String, Object> resource, List<String> links) {

        /** Duration in nanoseconds. */
        public long durationNanos() {
            return endEpochNanos - startEpochNanos;
        }

        /** Whether this span has no parent in its trace. */
        public boolean isRoot() {
            return parentSpanId.isEmpty();
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<ReceivedSpan> spans = new ArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    private OtlpReceiver(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a receiver on 127.0.0.1 and a free port; ready for requests when this returns. */
    public static OtlpReceiver start() {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind an OTLP receiver on 127.0.0.1", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "otlp-receiver-" + server.getAddress().getPort());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        OtlpReceiver receiver = new OtlpReceiver(server, executor);
        server.createContext("/", receiver::handle);
        server.start();
        return receiver;
    }

    /** {@code http://127.0.0.1:PORT}: the base URL of OTLP/HTTP; the exporter appends {@value #TRACES_PATH}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every span received so far, in the order received: a snapshot copy. */
    public List<ReceivedSpan> spans() {
        synchronized (spans) {
            return List.copyOf(spans);
        }
    }

    /** How many requests reached {@code POST /v1/traces}, whatever their outcome. */
    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- HTTP -------------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(TRACES_PATH)) {
                respond(exchange, 404, "text/plain", ("no route " + exchange.getRequestURI().getPath()).getBytes(
                        StandardCharsets.UTF_8));
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().set("Allow", "POST");
                respond(exchange, 405, "text/plain", new byte[0]);
                return;
            }
            requests.incrementAndGet();
            String type = mediaType(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (!type.equals(PROTOBUF) && !(type.equals(JSON) && JSON_PARSER != null)) {
                respond(exchange, 415, "text/plain", ("unsupported Content-Type " + type + (type.equals(JSON)
                        ? " (protobuf-java-util is not on the class path)" : "")).getBytes(StandardCharsets.UTF_8));
                return;
            }
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            byte[] body;
            try (InputStream in = decoded(exchange.getRequestBody(), encoding)) {
                if (in == null) {
                    respond(exchange, 415, "text/plain", ("unsupported Content-Encoding " + encoding)
                            .getBytes(StandardCharsets.UTF_8));
                    return;
                }
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            } catch (ZipException | EOFException e) {
                respond(exchange, 400, "text/plain", ("not " + encoding + ": " + e.getMessage())
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (body.length > MAX_BODY_BYTES) {
                respond(exchange, 413, "text/plain", new byte[0]);
                return;
            }
            ExportTraceServiceRequest request;
            try {
                request = type.equals(PROTOBUF) ? ExportTraceServiceRequest.parseFrom(body)
                        : fromJson(new String(body, StandardCharsets.UTF_8));
            } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                respond(exchange, 400, "text/plain", String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8));
                return;
            }
            List<ReceivedSpan> received = convert(request);
            synchronized (spans) {
                spans.addAll(received);
            }
            // An empty ExportTraceServiceResponse: full success, no partial_success.
            if (type.equals(PROTOBUF)) {
                respond(exchange, 200, PROTOBUF, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
            } else {
                respond(exchange, 200, JSON, "{}".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /** The body inflated per {@code Content-Encoding}, or null for an encoding this receiver does not read. */
    private static InputStream decoded(InputStream body, String encoding) throws IOException {
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
            return body;
        }
        if (encoding.trim().equalsIgnoreCase("gzip")) {
            return new GZIPInputStream(body);
        }
        return null;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    // ---- OTLP JSON (only with protobuf-java-util) ---------------------------------------------------------------

    private static Object jsonParser() {
        try {
            Class<?> format = Class.forName("com.google.protobuf.util.JsonFormat");
            Object parser = format.getMethod("parser").invoke(null);
            return parser.getClass().getMethod("ignoringUnknownFields").invoke(parser);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /**
     * OTLP JSON differs from the protobuf JSON mapping in one way that matters here: trace and span ids are hex,
     * not base64. They are rewritten to base64 before {@code JsonFormat} reads the message.
     */
    private static ExportTraceServiceRequest fromJson(String json) {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode tree;
        try {
            tree = mapper.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage(), e);
        }
        hexIdsToBase64(tree);
        ExportTraceServiceRequest.Builder builder = ExportTraceServiceRequest.newBuilder();
        try {
            Method merge = JSON_PARSER.getClass().getMethod("merge", String.class, Message.Builder.class);
            merge.invoke(JSON_PARSER, tree.toString(), builder);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("not an OTLP JSON ExportTraceServiceRequest: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return builder.build();
    }

    private static void hexIdsToBase64(JsonNode node) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            for (String id : List.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id")) {
                JsonNode v = object.get(id);
                if (v != null && v.isTextual() && !v.asText().isEmpty() && v.asText().matches("(?i)[0-9a-f]+")
                        && v.asText().length() % 2 == 0) {
                    object.put(id, Base64.getEncoder().encodeToString(HEX.parseHex(v.asText())));
                }
            }
            object.elements().forEachRemaining(OtlpReceiver::hexIdsToBase64);
        } else if (node.isArray()) {
            node.forEach(OtlpReceiver::hexIdsToBase64);
        }
    }

    // ---- conversion -------------------------------------------------------------------------------------------

    private static List<ReceivedSpan> convert(ExportTraceServiceRequest request) {
        List<ReceivedSpan> out = new ArrayList<>();
        for (ResourceSpans rs : request.getResourceSpansList()) {
            Map<String, Object> resource = attributes(rs.getResource().getAttributesList());
            for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) {
                    List<String> events = new ArrayList<>();
                    Map<String, Map<String, Object>> eventAttributes = new LinkedHashMap<>();
                    for (Span.Event e : s.getEventsList()) {
                        events.add(e.getName());
                        eventAttributes.put(e.getName(), attributes(e.getAttributesList()));
                    }
                    List<String> links = new ArrayList<>();
                    for (Span.Link l : s.getLinksList()) {
                        links.add(hex(l.getSpanId()));
                    }
                    out.add(new ReceivedSpan(hex(s.getTraceId()), hex(s.getSpanId()), hex(s.getParentSpanId()),
                            s.getName(), strip(s.getKind().name(), "SPAN_KIND_"), s.getStartTimeUnixNano(),
                            s.getEndTimeUnixNano(), attributes(s.getAttributesList()), List.copyOf(events),
                            Collections.unmodifiableMap(eventAttributes), strip(s.getStatus().getCode().name(),
                            "STATUS_CODE_"), resource, List.copyOf(links)));
                }
            }
        }
        return out;
    }

    private static String strip(String enumName, String prefix) {
        return enumName.startsWith(prefix) ? enumName.substring(prefix.length()) : enumName;
    }

    private static String hex(ByteString id) {
        return HEX.formatHex(id.toByteArray());
    }

    private static Map<String, Object> attributes(List<KeyValue> kvs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            out.put(kv.getKey(), value(kv.getValue()));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case ARRAY_VALUE -> {
                List<Object> list = new ArrayList<>();
                v.getArrayValue().getValuesList().forEach(e -> list.add(value(e)));
                yield Collections.unmodifiableList(list);
            }
            case KVLIST_VALUE -> attributes(v.getKvlistValue().getValuesList());
            case BYTES_VALUE -> hex(v.getBytesValue());
            default -> null;
        };
    }
}
