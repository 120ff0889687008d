package dev.enricher.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.tools.SampleCorpus;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The keyed stream a chaos run produces: event {@code n} (from 1) is a pure function of {@code n} and the seed, so
 * the checker knows what every input was meant to be. Values are JSON {@code {"id": "chaos-<n>", "text": ...}} with
 * texts from the sample corpus (names, e-mails and phone numbers for the PII task; every fifth starts with
 * characters outside the Basic Multilingual Plane, so span offsets are exercised in code points), and at
 * {@code poisonRate} one of the {@link Poison record faults}, spread evenly over their kinds.
 *
 * <p>Not thread-safe (the corpus caches its order): one producer thread.
 */
public final class ChaosStream {
    /** Header with the event number, decimal. */
    public static final String SEQ_HEADER = "chaos-seq";
    /** Header naming the {@link Poison} of a record fault; absent on a good event. */
    public static final String POISON_HEADER = "chaos-poison";
    /** The {@code input.max-bytes} the instances run with: the oversized poison is above it, the rest below. */
    public static final int MAX_BYTES = 32_768;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WIDE = {"\uD83D\uDE42 ", "\uD835\uDC00\uD835\uDC01 note: ", "\uD83D\uDCE7\uD83D\uDCDE "};

    private final SampleCorpus corpus = SampleCorpus.load();
    private final long seed;
    private final int keys;
    private final double poisonRate;

    /** One event: its key, value and (for a record fault) its poison. */
    public record Event(long n, String key, byte[] value, Poison poison) {
    }

    public ChaosStream(long seed, int keys, double poisonRate) {
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be at least 1, was " + keys);
        }
        if (!(poisonRate >= 0 && poisonRate < 1)) {
            throw new IllegalArgumentException("poisonRate must be within [0, 1), was " + poisonRate);
        }
        this.seed = seed;
        this.keys = keys;
        this.poisonRate = poisonRate;
    }

    public Event event(long n) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + n);
        String key = "key-" + r.nextInt(keys);
        Poison poison = null;
        if (r.nextDouble() < poisonRate) {
            poison = Poison.values()[r.nextInt(Poison.values().length)];
        }
        String id = "chaos-" + n;
        SampleCorpus.SampleEvent sample = corpus.event(n, seed);
        String text = sample.text();
        if (sample.source().equals("long_article")) {
            // Chaos sends inputs whole (see ChaosConfig): a long article would be refused as too long for the model.
            // Its headline stands in for it.
            text = text.lines().findFirst().orElse(text);
        }
        if (n % 5 == 0) {
            text = WIDE[r.nextInt(WIDE.length)] + text;
        }
        byte[] value = poison == null ? json(id, "text", text) : switch (poison) {
            case NOT_JSON -> ("{\"id\": \"" + id + "\", \"text\": \"" + text).getBytes(StandardCharsets.UTF_8);
            case NO_TEXT -> json(id, "body", text);
            case OVERSIZED -> json(id, "text", repeat(text, MAX_BYTES + 1_024));
            case TOO_LONG_FOR_MODEL -> json(id, "text", repeat(text, MAX_BYTES / 2));
        };
        return new Event(n, key, value, poison);
    }

    /** The event id of event {@code n}. */
    public static String id(long n) {
        return "chaos-" + n;
    }

    private static byte[] json(String id, String field, String text) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.put(field, text);
        try {
            return JSON.writeValueAsBytes(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
    }

    /** {@code text} repeated (space-separated) until it is at least {@code bytes} UTF-8 bytes long. */
    private static String repeat(String text, int bytes) {
        int each = text.getBytes(StandardCharsets.UTF_8).length + 1;
        StringBuilder sb = new StringBuilder(bytes + each);
        for (int written = 0; written < bytes; written += each) {
            sb.append(text).append(' ');
        }
        return sb.toString();
    }
}
