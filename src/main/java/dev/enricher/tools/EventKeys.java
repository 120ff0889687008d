package dev.enricher.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/** How an event sent by the {@link EventProducer} gets its key: round robin over K keys, or one of its fields. */
public sealed interface EventKeys {
    /** {@code key-0} .. {@code key-(count-1)}, in turn. */
    static EventKeys roundRobin(int count) {
        return new RoundRobin(count);
    }

    /**
     * The value of a top-level field ({@code id}) or of a JSON Pointer ({@code /user/id}): text as it is, other JSON
     * as JSON. No key when the event is not JSON, or lacks the field, or has it null.
     */
    static EventKeys field(String nameOrPointer) {
        return new Field(nameOrPointer);
    }

    /**
     * The key of the {@code index}-th event sent (from 0), or null for none.
     *
     * @param event the event as JSON; null when it is not JSON
     */
    byte[] keyOf(long index, JsonNode event);

    /** See {@link #roundRobin}. */
    record RoundRobin(int count) implements EventKeys {
        public RoundRobin {
            if (count < 1) {
                throw new IllegalArgumentException("a round robin over " + count + " keys: give at least 1");
            }
        }

        @Override
        public byte[] keyOf(long index, JsonNode event) {
            return ("key-" + (index % count)).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** See {@link #field}. */
    record Field(String nameOrPointer) implements EventKeys {
        public Field {
            if (nameOrPointer == null || nameOrPointer.isBlank()) {
                throw new IllegalArgumentException("a key field must be a field name or a JSON Pointer, got '"
                        + nameOrPointer + "'");
            }
        }

        /** The field as a JSON Pointer: a name is one step, with {@code ~} and {@code /} escaped (RFC 6901). */
        String pointer() {
            return nameOrPointer.startsWith("/") ? nameOrPointer
                    : "/" + nameOrPointer.replace("~", "~0").replace("/", "~1");
        }

        @Override
        public byte[] keyOf(long index, JsonNode event) {
            if (event == null) {
                return null;
            }
            JsonNode k = event.at(pointer());
            return k.isMissingNode() || k.isNull() ? null
                    : (k.isValueNode() ? k.asText() : k.toString()).getBytes(StandardCharsets.UTF_8);
        }
    }
}
