package dev.enricher.simulator;

/**
 * The simulator's token estimate: {@code ceil(chars / 4)}, the usual rule of thumb for English text with
 * BPE tokenizers. It drives input limits and {@code usage}; real tokenizers differ by tens of percent.
 */
final class Tokens {
    static final int CHARS_PER_TOKEN = 4;

    private Tokens() {
    }

    static int estimate(String text) {
        return estimate(text.length());
    }

    static int estimate(int chars) {
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN;
    }
}
