package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;

import java.util.List;
import java.util.Map;

/**
 * A token count that never underestimates, for the models' input limits.
 *
 * <p>No tokenizer library fits: the models' tokenizer files are not reachable from here. The bound used is
 * <b>one token per UTF-8 byte</b>: a byte-level BPE tokenizer (GPT-2/Llama 3 style) and a SentencePiece tokenizer
 * with byte fallback (DeBERTa v3, GLiNER's backbones) never produce more tokens than the text has UTF-8 bytes, since
 * each token covers at least one byte. Each chat message adds {@value #PER_MESSAGE} tokens for the chat template
 * (role markers, separators), and a request's metadata and extra top-level fields (labels, schemas, categories, which
 * some models read as part of their input) count as text too.
 *
 * <p>Typical English takes about 4 bytes per token, so the bound is about 4 times the real count: that is the price
 * of never exceeding a limit. It is also at least the simulator's count ({@code ceil(chars / 4)} over the messages),
 * since a UTF-16 unit is at least one UTF-8 byte. Stateless and thread-safe.
 */
public final class TokenEstimate {
    /** Tokens added per chat message for the chat template, at most. */
    public static final int PER_MESSAGE = 8;

    private TokenEstimate() {
    }

    /**
     * The number of UTF-8 bytes of {@code text}, counted per code point without encoding it; a lone surrogate counts
     * 3 (its generalized UTF-8 length). Saturates at {@link Integer#MAX_VALUE}.
     */
    public static int of(String text) {
        return saturate(bytes(text, 0, text.length()));
    }

    /**
     * An upper bound of the input tokens of a whole request: every message's content plus {@value #PER_MESSAGE} per
     * message, plus every key and value of its metadata and extra fields as text (numbers and booleans as written,
     * one more token per entry for the separators). The model id is not input. Saturates at
     * {@link Integer#MAX_VALUE}.
     */
    public static int of(ChatRequest request) {
        long n = 0;
        for (ChatMessage m : request.messages()) {
            n += PER_MESSAGE + bytes(m.content(), 0, m.content().length());
        }
        n += tree(request.metadata()) + tree(request.extraFields());
        return saturate(n);
    }

    /** The UTF-8 bytes of {@code text} between UTF-16 indexes {@code from} and {@code to}. */
    static long bytes(CharSequence text, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** A JSON-like value of metadata or an extra field, as text, plus one per entry. */
    private static long tree(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof Map<?, ?> map) {
            long n = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                n += 1 + tree(e.getKey()) + tree(e.getValue());
            }
            return n;
        }
        if (value instanceof List<?> list) {
            long n = 0;
            for (Object o : list) {
                n += 1 + tree(o);
            }
            return n;
        }
        String s = String.valueOf(value);
        return bytes(s, 0, s.length());
    }

    private static int saturate(long n) {
        return (int) Math.min(n, Integer.MAX_VALUE);
    }
}
