package dev.enricher.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Turns every failure shape into one {@link ZeroGpuException} with its {@link Disposition}.
 *
 * <p>Error bodies come in several shapes (the API's nested {@code {"error":{...}}}, a bare
 * {@code {"error":"code"}}, top-level {@code message}/{@code detail} from proxies and
 * OpenAI-compatible servers, HTML from load balancers, nothing at all): all are read here so the
 * rest of the service sees one type. Pure and thread-safe.
 */
final class ErrorClassifier {
    private static final int MAX_MESSAGE_CHARS = 500;

    private final ObjectMapper json;
    private final ApiKey key;

    ErrorClassifier(ObjectMapper json, ApiKey key) {
        this.json = json;
        this.key = key;
    }

    /** Classifies an HTTP answer whose status is not 2xx. */
    ZeroGpuException fromStatus(int status, byte[] body, String requestId, Optional<Duration> retryAfter, String model) {
        ErrorBody parsed = parse(status, body);
        Disposition disposition = disposition(status, parsed);
        return ZeroGpuException.builder(disposition, FailureKind.HTTP_STATUS)
                .status(status)
                .type(scrub(parsed.type))
                .code(scrub(parsed.code))
                .param(scrub(parsed.param))
                .message(scrub(parsed.message))
                .requestId(requestId)
                .retryAfter(retryAfter.orElse(null))
                .model(model)
                .build();
    }

    /** Classifies a failure without an HTTP answer (timeout, refused, reset, ...). */
    ZeroGpuException fromThrowable(Throwable t, String model, Duration requestTimeout) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            if (root instanceof TimeoutException || root instanceof ConnectException) {
                break;
            }
            root = root.getCause();
        }
        FailureKind kind;
        String message;
        if (root instanceof TimeoutException || t instanceof TimeoutException) {
            kind = FailureKind.TIMEOUT;
            message = "no complete answer within the request timeout of " + requestTimeout.toMillis() + " ms";
        } else if (root instanceof ConnectException || root instanceof UnknownHostException
                || root instanceof NoRouteToHostException) {
            kind = FailureKind.CONNECT;
            message = "cannot connect: " + root.getClass().getSimpleName() + ": " + root.getMessage();
        } else if (root instanceof IOException || root instanceof io.vertx.core.VertxException) {
            kind = FailureKind.CONNECTION_LOST;
            message = "connection lost while the request was in flight: " + root.getClass().getSimpleName()
                    + ": " + root.getMessage();
        } else {
            kind = FailureKind.CONNECTION_LOST;
            message = "request failed: " + root.getClass().getSimpleName() + ": " + root.getMessage();
        }
        return ZeroGpuException.builder(Disposition.TRANSIENT, kind)
                .model(model)
                .message(scrub(message))
                .build(null);
    }

    /** A 2xx answer that is not a chat completion: a broken proxy or server, worth a retry. */
    ZeroGpuException malformed(int status, String reason, String requestId, String model) {
        return ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.MALFORMED_RESPONSE)
                .status(status)
                .message(scrub(reason))
                .requestId(requestId)
                .model(model)
                .build();
    }

    static Disposition disposition(int status, ErrorBody body) {
        if (body.mentions("insufficient_quota") || body.mentions("quota")) {
            // 420 and 429 both carry it; no credit left is for a person to fix, not for a retry.
            return Disposition.OPERATOR;
        }
        if (status == 401 || status == 403 || status == 405) {
            return Disposition.OPERATOR;
        }
        if (status == 404) {
            // An unknown or retired model belongs to the record; a 404 that names no model means the
            // base URL or route is wrong, which every record would hit.
            return body.mentions("model") ? Disposition.RECORD : Disposition.OPERATOR;
        }
        if (status == 408 || status == 409 || status == 425 || status == 429 || status >= 500) {
            return Disposition.TRANSIENT;
        }
        if (status >= 400) {
            return Disposition.RECORD; // 400, 413, 420 context_length_exceeded, 422, ...
        }
        if (status >= 300) {
            return Disposition.OPERATOR; // a redirect of a POST: the base URL points at the wrong place
        }
        return Disposition.TRANSIENT;
    }

    ErrorBody parse(int status, byte[] body) {
        if (body == null || body.length == 0) {
            return new ErrorBody(null, null, null, "HTTP " + status + " with an empty body");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (IOException | RuntimeException notJson) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            return new ErrorBody(null, null, null, "HTTP " + status + " with a non-JSON body: " + excerpt(body));
        }
        JsonNode error = root.get("error");
        if (error != null && error.isObject()) {
            return new ErrorBody(text(error.get("type")), text(error.get("code")), text(error.get("param")),
                    firstNonNull(text(error.get("message")), text(root.get("message")),
                            "HTTP " + status + " with an error object without a message"));
        }
        if (error != null && error.isTextual()) {
            // {"error": "some_code"}: the string is both what happened and its code.
            return new ErrorBody(text(root.get("type")), firstNonNull(text(root.get("code")), error.asText()),
                    text(root.get("param")), firstNonNull(text(root.get("message")), error.asText()));
        }
        String message = firstNonNull(text(root.get("message")), detail(root.get("detail")),
                "HTTP " + status + " with a JSON body without an error message: " + excerpt(body));
        return new ErrorBody(text(root.get("type")), text(root.get("code")), text(root.get("param")), message);
    }

    /** FastAPI-style servers send {@code detail} as a string or as a list of {@code {msg, loc}}. */
    private static String detail(JsonNode detail) {
        if (detail == null || detail.isNull()) {
            return null;
        }
        if (detail.isArray()) {
            StringBuilder s = new StringBuilder();
            for (JsonNode item : detail) {
                if (s.length() > 0) {
                    s.append("; ");
                }
                s.append(item.hasNonNull("msg") ? item.get("msg").asText() : item.toString());
            }
            return s.toString();
        }
        return detail.isTextual() ? detail.asText() : detail.toString();
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String excerpt(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, MAX_MESSAGE_CHARS), StandardCharsets.UTF_8).strip();
        return s.replaceAll("\\s+", " ") + (body.length > MAX_MESSAGE_CHARS ? "..." : "");
    }

    private String scrub(String message) {
        if (message == null) {
            return null;
        }
        String m = message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) + "..." : message;
        return key == null ? m : key.scrub(m);
    }

    /** The fields of an error body, whichever shape it came in. */
    record ErrorBody(String type, String code, String param, String message) {
        boolean mentions(String word) {
            return contains(type, word) || contains(code, word) || ("model".equals(word)
                    ? "model".equals(param) || contains(message, word)
                    : false);
        }

        private static boolean contains(String s, String word) {
            return s != null && s.toLowerCase(Locale.ROOT).contains(word);
        }
    }
}
