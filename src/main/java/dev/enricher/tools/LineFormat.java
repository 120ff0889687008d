package dev.enricher.tools;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.util.Locale;

/** How {@link FileEvents} reads a line: as a JSON object (others are bad lines), or as text that is always sent. */
public enum LineFormat {
    /** One JSON object per line; anything else (not UTF-8, not JSON, another JSON type) is a bad line. */
    JSON {
        @Override
        Reading read(byte[] line) {
            String text = JsonRendering.utf8OrNull(line);
            if (text == null) {
                return Reading.bad("not valid UTF-8");
            }
            JsonNode event;
            try {
                event = STRICT.readTree(text);
            } catch (IOException e) {
                return Reading.bad("not JSON (" + firstLine(e.getMessage()) + ")");
            }
            if (event == null || !event.isObject()) {
                return Reading.bad("a JSON " + (event == null ? "nothing" : event.getNodeType().name()
                        .toLowerCase(Locale.ROOT)) + ", not a JSON object");
            }
            return new Reading(event, null);
        }
    },
    /** Every line is an event as it is; never a bad line, never keyed by a field. */
    TEXT {
        @Override
        Reading read(byte[] line) {
            return new Reading(null, null);
        }
    };

    /**
     * A line as read.
     *
     * @param event   the JSON object; null for text and for bad lines
     * @param problem what makes it a bad line, in words; null when it is not one
     */
    record Reading(JsonNode event, String problem) {
        static Reading bad(String problem) {
            return new Reading(null, problem);
        }
    }

    private static final ObjectReader STRICT = JsonRendering.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    abstract Reading read(byte[] line);

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
