package dev.enricher.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Seeded generators of hostile inputs for property-style tests: arbitrary strings, JSON-looking
 * fragments and raw bytes. Each test runs a fixed number of seeds, so a failure names the seed that
 * reproduces it. (jqwik would be the usual tool; its 1.10 engine asks AI agents not to use it, so
 * the few generators needed here are written by hand.)
 */
public final class RandomInputs {
    private static final String[] FRAGMENTS = {
        "{", "}", "[", "]", ":", ",", "\"", "\\", "null", "true", "false", "0", "-1", "1e309", "0.5",
        "\"label\"", "\"entities\"", "\"audience\"", "\"content\"", "\"name\"", "\"score\"", "\"data\"",
        "\"classification\"", "<think>", "</think>", "\n", "\t", " ", "\u0000", "\uD83D\uDE00", "é", "\uFFFF",
        "\"text\"", "\"start\"", "\"end\"", "\"iab_1_0\"", "\"iab_2_2\"", "[]", "{}", "\"\"", "NaN",
    };

    private RandomInputs() {
    }

    /** The seeds every property runs; enough to find shape bugs, few enough to keep the suite fast. */
    public static Stream<Long> seeds(int count) {
        return Stream.iterate(1L, s -> s + 1).limit(count);
    }

    /** An arbitrary string: random code points, JSON fragments, or a mix; sometimes empty. */
    public static String string(Random random) {
        int mode = random.nextInt(4);
        int length = random.nextInt(random.nextInt(10) == 0 ? 2_000 : 40);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (mode == 0 || mode == 2 && random.nextBoolean()) {
                int cp = random.nextInt(10) == 0 ? random.nextInt(0x10FFFF) : 0x20 + random.nextInt(0x5F);
                if (Character.isValidCodePoint(cp) && !(cp >= 0xD800 && cp <= 0xDFFF)) {
                    s.appendCodePoint(cp);
                }
            } else {
                s.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            }
        }
        return mode == 3 ? "{\"" + s + "\":" + s + "}" : s.toString();
    }

    /** Arbitrary bytes, sometimes valid UTF-8 text. */
    public static byte[] bytes(Random random) {
        if (random.nextBoolean()) {
            return string(random).getBytes(StandardCharsets.UTF_8);
        }
        byte[] b = new byte[random.nextInt(random.nextInt(10) == 0 ? 4_096 : 64)];
        random.nextBytes(b);
        return b;
    }

    /** {@code count} arbitrary strings from one seed. */
    public static List<String> strings(long seed, int count) {
        Random random = new Random(seed);
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(string(random));
        }
        return out;
    }
}
