package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;

import java.util.List;
import java.util.Map;

/**
 * A token count for the models' input limits: a little above what a BPE tokenizer counts for text in the Latin
 * alphabet, and a byte-level bound for everything else.
 *
 * <p>No tokenizer library fits: the models' tokenizer files are not reachable from here, and a real BPE pass would cost
 * more CPU per event than the rest of planning. The count, per run of characters:
 * <ul>
 *   <li>a run of ASCII letters (a word, or the letters of one): one token per 3 letters, rounded up. BPE vocabularies
 *       (GPT-2, Llama 3, SentencePiece over Latin text) hold most English words whole and split rare ones into pieces
 *       of 3 to 6 letters, so prose counts about 1.3-1.5 times its real count here;</li>
 *   <li>a space, tab or line break: nothing (tokenizers merge it into the next word; long runs of them are covered
 *       by the floor below);</li>
 *   <li>any other ASCII character (digits, punctuation): one token each;</li>
 *   <li>any other code point: one token per UTF-8 byte, the strict bound of byte-level and byte-fallback tokenizers
 *       (scripts this count is not calibrated for are never underestimated);</li>
 * </ul>
 * and never less than {@code ceil(chars / 4)} for a stretch of text, the usual rule of thumb (and the simulator's
 * count). Each chat message adds {@value #PER_MESSAGE} tokens for the chat template (role markers, separators), and
 * a request's metadata and extra top-level fields (labels, schemas, categories, which some models read as part of
 * their input) count as text too.
 *
 * <p>Until 2026-12 the count was one token per UTF-8 byte for all text: a strict bound, but about 4 times the real
 * count of English, which cut texts of a few hundred words into pieces that the model would have taken whole (each
 * piece a paid call repeating the prompt). It is no longer a strict bound: text of unusual make-up (long runs of
 * random letters, base64) can count more tokens at the model than here. The API then refuses the call
 * ({@code context_length_exceeded}) and the event is dead-lettered with that reason; a task's {@code max-input-tokens}
 * below the model's limit leaves the headroom such input needs. Stateless and thread-safe.
 */
public final class TokenEstimate {
    /** Tokens added per chat message for the chat template, at most. */
    public static final int PER_MESSAGE = 8;
    /** Letters per token in a run of ASCII letters. */
    private static final int LETTERS_PER_TOKEN = 3;
    /** Characters per token of the rule of thumb, the least a stretch of text counts. */
    private static final int CHARS_PER_TOKEN = 4;

    private TokenEstimate() {
    }

    /** The tokens of {@code text}. Saturates at {@link Integer#MAX_VALUE}. */
    public static int of(String text) {
        return saturate(count(text, 0, text.length()));
    }

    /**
     * The input tokens of a whole request: every message's content plus {@value #PER_MESSAGE} per message, plus every
     * key and value of its metadata and extra fields as text (numbers and booleans as written, one more token per
     * entry for the separators). The model id is not input. Saturates at {@link Integer#MAX_VALUE}.
     */
    public static int of(ChatRequest request) {
        long n = 0;
        for (ChatMessage m : request.messages()) {
            n += PER_MESSAGE + count(m.content(), 0, m.content().length());
        }
        n += tree(request.metadata()) + tree(request.extraFields());
        return saturate(n);
    }

    /**
     * The tokens of {@code text} between UTF-16 indexes {@code from} and {@code to}, counted as described above. The
     * counts of adjacent stretches add up to at least the count of the whole (every part of the count is
     * subadditive), so a piece made of stretches whose counts fit a limit fits it too.
     */
    static long count(CharSequence text, int from, int to) {
        long n = 0;
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (letter(c)) {
                int j = i + 1;
                while (j < to && letter(text.charAt(j))) {
                    j++;
                }
                n += (j - i + LETTERS_PER_TOKEN - 1) / LETTERS_PER_TOKEN;
                i = j;
            } else if (space(c)) {
                i++;
            } else if (c < 0x80) {
                n += 1;
                i++;
            } else if (c < 0x800) {
                n += 2;
                i++;
            } else if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i += 2;
            } else {
                n += 3;
                i++;
            }
        }
        return Math.max(n, ((long) to - from + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN);
    }

    private static boolean letter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean space(char c) {
        return c == ' ' || c == '\n' || c == '\t' || c == '\r';
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
        return count(s, 0, s.length());
    }

    private static int saturate(long n) {
        return (int) Math.min(n, Integer.MAX_VALUE);
    }
}
