package dev.enricher.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The chat-completions wire format without any HTTP client: a {@link ChatRequest} as the JSON body, and an answer's
 * body as a {@link ChatCompletion}. {@link VertxTransport} uses it, and so do the benchmark peers that bring
 * their own HTTP client (a blocking JDK client in Kafka Streams, Vert.x 4 in the Parallel Consumer), so every
 * contender sends the same bytes and reads answers the same way. Thread-safe.
 */
public final class ChatWire {
    private final ObjectMapper json;
    private final CompletionParser parser;

    public ChatWire() {
        this(new ObjectMapper());
    }

    ChatWire(ObjectMapper json) {
        this.json = json;
        this.parser = new CompletionParser(json.getFactory());
    }

    /**
     * The JSON body, written with the streaming generator: it runs once per call on the caller's thread, and a Map
     * tree of the request first would only be garbage.
     *
     * @throws IOException when a metadata or extra value cannot be written as JSON
     */
    public byte[] requestBody(ChatRequest request) throws IOException {
        ByteArrayBuilder out = new ByteArrayBuilder(256 + 2 * request.contentLength());
        JsonFactory factory = json.getFactory();
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", request.model());
            g.writeArrayFieldStart("messages");
            for (ChatMessage m : request.messages()) {
                g.writeStartObject();
                g.writeStringField("role", m.role());
                g.writeStringField("content", m.content());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (!request.metadata().isEmpty()) {
                g.writeObjectField("metadata", request.metadata());
            }
            for (Map.Entry<String, Object> e : request.extraFields().entrySet()) {
                g.writeObjectField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    /**
     * Reads a 2xx answer's body.
     *
     * @throws IllegalArgumentException when the body is not JSON or lacks {@code choices[0].message}; the message says
     *         what is wrong and never quotes the body
     */
    public ChatCompletion completion(byte[] body, int offset, int length, String requestId, int attempts,
                                     Duration latency) {
        try {
            return parser.parse(body, offset, length, requestId, attempts, latency);
        } catch (CompletionParser.MalformedCompletion e) {
            throw new IllegalArgumentException("the answer is not a chat completion: " + e.getMessage());
        }
    }
}
