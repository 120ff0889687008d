package dev.enricher.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a chat-completion body into a {@link ChatCompletion}, skipping every field it does not know
 * (the server adds fields over time). Streaming rather than a tree: this runs once per call on an
 * event loop, and a tree of the whole envelope is most of the client's garbage. Thread-safe.
 */
final class CompletionParser {
    private final JsonFactory json;

    CompletionParser(JsonFactory json) {
        this.json = json;
    }

    /**
     * @throws MalformedCompletion when the body is not JSON or lacks {@code choices[0].message}
     */
    ChatCompletion parse(byte[] body, String requestId, int attempts, Duration latency) {
        return parse(body, 0, body.length, requestId, attempts, latency);
    }

    /** Parses {@code length} bytes of {@code body} from {@code offset}: no copy of a larger buffer first. */
    ChatCompletion parse(byte[] body, int offset, int length, String requestId, int attempts, Duration latency) {
        try (JsonParser p = json.createParser(body, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new MalformedCompletion("the body is not a JSON object");
            }
            String id = null;
            String model = null;
            long created = 0;
            List<Choice> choices = null;
            Usage usage = Usage.NONE;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = scalarText(p, value);
                    case "model" -> model = scalarText(p, value);
                    case "created" -> created = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : skip(p, 0L);
                    case "choices" -> choices = choices(p, value);
                    case "usage" -> usage = usage(p, value);
                    default -> p.skipChildren();
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new MalformedCompletion("the body is not a single JSON object");
            }
            if (choices == null || choices.isEmpty()) {
                throw new MalformedCompletion("'choices' is missing or empty");
            }
            return new ChatCompletion(id, created, model, choices, usage, requestId, attempts, latency);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new MalformedCompletion("the body is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new MalformedCompletion("the body cannot be read (" + e.getMessage() + ")");
        }
    }

    private static List<Choice> choices(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.START_ARRAY) {
            throw new MalformedCompletion("'choices' is not an array");
        }
        List<Choice> choices = new ArrayList<>(1);
        while (p.nextToken() != JsonToken.END_ARRAY) {
            int position = choices.size();
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new MalformedCompletion("'choices[" + position + "]' is not an object");
            }
            int index = position;
            String finishReason = null;
            String role = null;
            String content = null;
            boolean hasMessage = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "index" -> index = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : skip(p, position);
                    case "finish_reason" -> finishReason = scalarText(p, value);
                    case "message" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw new MalformedCompletion("'choices[" + position + "].message' is not an object");
                        }
                        hasMessage = true;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String mf = p.currentName();
                            JsonToken mv = p.nextToken();
                            if ("role".equals(mf)) {
                                role = scalarText(p, mv);
                            } else if ("content".equals(mf)) {
                                if (mv != JsonToken.VALUE_STRING && mv != JsonToken.VALUE_NULL) {
                                    throw new MalformedCompletion("'choices[" + position
                                            + "].message.content' is not a string");
                                }
                                content = mv == JsonToken.VALUE_NULL ? "" : p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (!hasMessage) {
                throw new MalformedCompletion("'choices[" + position + "].message' is missing");
            }
            choices.add(new Choice(index, role, content, finishReason));
        }
        return choices;
    }

    /** Reads {@code prompt_tokens}/{@code completion_tokens}, or the {@code input_tokens}/{@code output_tokens} of one SDK. */
    private static Usage usage(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Usage.NONE;
        }
        long prompt = 0;
        long completion = 0;
        long total = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            long n = value == JsonToken.VALUE_NUMBER_INT ? Math.max(0, p.getLongValue()) : skip(p, 0L);
            switch (field) {
                case "prompt_tokens", "input_tokens" -> prompt = n;
                case "completion_tokens", "output_tokens" -> completion = n;
                case "total_tokens" -> total = n;
                default -> {
                }
            }
        }
        return new Usage(prompt, completion, total >= 0 ? total : prompt + completion);
    }

    private static String scalarText(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value.isScalarValue()) {
            return p.getText();
        }
        p.skipChildren();
        return null;
    }

    private static <T> T skip(JsonParser p, T fallback) throws IOException {
        p.skipChildren();
        return fallback;
    }

    /** The body is not a chat completion. */
    static final class MalformedCompletion extends RuntimeException {
        MalformedCompletion(String message) {
            super(message, null, false, false);
        }
    }
}
