package dev.enricher.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain JDK HTTP client for the simulator's wire contract; no project client code involved. */
final class SimHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "zgpu-api-test";

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final Simulator sim;

    SimHttp(Simulator sim) {
        this.sim = sim;
    }

    HttpResponse<String> post(String body) {
        return post(body, Map.of("x-api-key", KEY));
    }

    HttpResponse<String> post(String body, Map<String, String> headers) {
        return post(body, headers, Duration.ofSeconds(30));
    }

    HttpResponse<String> post(String body, Map<String, String> headers, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/chat/completions"))
                .timeout(timeout).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return send(b.build());
    }

    HttpResponse<String> admin(String method, String path, String body) {
        String root = sim.baseUrl().substring(0, sim.baseUrl().length() - 3);
        HttpRequest r = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return send(r);
    }

    HttpResponse<String> send(HttpRequest r) {
        try {
            return http.send(r, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A request body for {@code model} with one user message and optional metadata. */
    static String body(String model, String user) {
        return chat(model, null, user, null);
    }

    static String chat(String model, String system, String user, Map<String, Object> metadata) {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        ArrayNode messages = root.putArray("messages");
        if (system != null) {
            messages.addObject().put("role", "system").put("content", system);
        }
        messages.addObject().put("role", "user").put("content", user);
        if (metadata != null) {
            root.set("metadata", JSON.valueToTree(metadata));
        }
        return root.toString();
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The parsed envelope's content string. */
    static String content(HttpResponse<String> r) {
        return json(r.body()).at("/choices/0/message/content").asText();
    }
}
