package dev.enricher.tasks;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Cuts a long text into {@link TextPiece pieces} under a token limit ({@link TokenEstimate#of(String)}), at sentence
 * boundaries where it can: the JDK's {@link BreakIterator} finds sentences and words ({@link Locale#ROOT} rules). A
 * sentence over the limit is cut between words, a word over the limit between code points (never inside a surrogate
 * pair). Offsets count code points, as the models do. Pure and deterministic (the same text and limits always give
 * the same pieces); stateless and thread-safe.
 *
 * <p>The one case a piece may exceed the limit: a limit under 4 and a code point of more UTF-8 bytes than that (such a
 * code point is a piece on its own, so that cutting always makes progress).
 */
public final class TextPieces {
    /** The most pieces {@link #split} cuts a text into. */
    public static final int MAX_PIECES = 4096;

    private TextPieces() {
    }

    /**
     * A stretch of the text no piece boundary falls inside: a whole sentence under the limit, or a fragment of a
     * longer one (a word, the space between words, or part of a word).
     *
     * @param from         UTF-16 index of the first char
     * @param to           UTF-16 index past the last char
     * @param cpFrom       code point offset of {@code from}
     * @param cpTo         code point offset of {@code to}
     * @param tokens       {@link TokenEstimate} of the stretch
     * @param sentence     whether it is a whole sentence (only whole sentences are repeated as overlap)
     * @param endsSentence whether a sentence ends with it
     * @param endsWord     whether a word (or the space after one) ends with it
     */
    private record Unit(int from, int to, int cpFrom, int cpTo, int tokens, boolean sentence, boolean endsSentence,
                        boolean endsWord) {
    }

    /**
     * Splits {@code text} into pieces of at most {@code maxTokens} each, covering the text in order. Each piece packs
     * as many whole sentences as fit, and ends at a sentence boundary, else (a sentence over the limit) at a word
     * boundary, else at a code point boundary. Each piece after the first starts with the previous piece's trailing
     * whole sentences whose total is at most {@code overlapTokens} (none when the last one alone is bigger, or when
     * that would leave no room for new text), so a span cut at one piece's edge is whole in the next; every piece
     * holds some text the previous did not. A text that fits is one piece {@code [0, length)} (also an empty text).
     *
     * @param maxTokens     the limit per piece, >= 1 (in practice >= 4: see the class comment)
     * @param overlapTokens the most tokens repeated from one piece into the next, >= 0 and < maxTokens
     * @return at least one piece, at most {@link #MAX_PIECES}; indexes from 0, unmodifiable
     * @throws IllegalArgumentException on a bad limit, or when the text needs more than {@link #MAX_PIECES} pieces
     */
    public static List<TextPiece> split(String text, int maxTokens, int overlapTokens) {
        Objects.requireNonNull(text, "text");
        requireLimit(maxTokens);
        if (overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new IllegalArgumentException("overlapTokens must be >= 0 and < maxTokens (" + maxTokens + "), was "
                    + overlapTokens);
        }
        if (TokenEstimate.of(text) <= maxTokens) {
            return List.of(whole(text));
        }
        List<Unit> units = units(text, maxTokens);
        List<TextPiece> pieces = new ArrayList<>();
        int pos = 0;
        int previousEnd = 0;
        while (true) {
            if (pieces.size() == MAX_PIECES) {
                throw new IllegalArgumentException("the text (" + CodePointSpans.length(text) + " code points) needs "
                        + "more than " + MAX_PIECES + " pieces of at most " + maxTokens + " tokens");
            }
            int end = take(units, pos, previousEnd, maxTokens);
            pieces.add(piece(text, pieces.size(), units, pos, end));
            if (end == units.size()) {
                return List.copyOf(pieces);
            }
            pos = overlapStart(units, pos, end, overlapTokens, maxTokens);
            previousEnd = end;
        }
    }

    /**
     * The longest head of {@code text} of at most {@code maxTokens} that ends at a sentence boundary; when the first
     * sentence alone is over the limit, the longest ending at a word boundary; when the first word alone is, the
     * longest ending at a code point boundary. The whole text when it fits.
     *
     * @param maxTokens the limit, >= 1 (in practice >= 4: see the class comment)
     * @return a piece with index 0 and start 0
     */
    public static TextPiece head(String text, int maxTokens) {
        Objects.requireNonNull(text, "text");
        requireLimit(maxTokens);
        if (TokenEstimate.of(text) <= maxTokens) {
            return whole(text);
        }
        List<Unit> units = units(text, maxTokens);
        return piece(text, 0, units, 0, take(units, 0, 0, maxTokens));
    }

    private static void requireLimit(int maxTokens) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be >= 1, was " + maxTokens);
        }
    }

    private static TextPiece whole(String text) {
        return new TextPiece(0, 0, CodePointSpans.length(text), text);
    }

    private static TextPiece piece(String text, int index, List<Unit> units, int from, int to) {
        Unit first = units.get(from);
        Unit last = units.get(to - 1);
        return new TextPiece(index, first.cpFrom(), last.cpTo(), text.substring(first.from(), last.to()));
    }

    /**
     * The end (exclusive unit index) of the piece starting at unit {@code pos}: the most units that fit, cut back to
     * the last sentence end, else the last word end, after unit {@code minEnd} (the piece must hold a unit the
     * previous piece did not). At least {@code minEnd + 1}.
     */
    private static int take(List<Unit> units, int pos, int minEnd, int maxTokens) {
        int m = pos;
        long total = 0;
        while (m < units.size() && total + units.get(m).tokens() <= maxTokens) {
            total += units.get(m).tokens();
            m++;
        }
        m = Math.max(m, minEnd + 1);
        for (int j = m; j > minEnd; j--) {
            if (units.get(j - 1).endsSentence()) {
                return j;
            }
        }
        for (int j = m; j > minEnd; j--) {
            if (units.get(j - 1).endsWord()) {
                return j;
            }
        }
        return m;
    }

    /**
     * Where the piece after {@code [pos, end)} starts: before the trailing whole sentences of at most
     * {@code overlapTokens} (never at {@code pos}, so pieces advance), fewer when the overlap and the next unit would
     * not fit together.
     */
    private static int overlapStart(List<Unit> units, int pos, int end, int overlapTokens, int maxTokens) {
        int k = end;
        long overlap = 0;
        while (k - 1 > pos && units.get(k - 1).sentence() && overlap + units.get(k - 1).tokens() <= overlapTokens) {
            overlap += units.get(k - 1).tokens();
            k--;
        }
        while (k < end && overlap + units.get(end).tokens() > maxTokens) {
            overlap -= units.get(k).tokens();
            k++;
        }
        return k;
    }

    /** The text as units, in order, covering it. */
    private static List<Unit> units(String text, int maxTokens) {
        List<Unit> units = new ArrayList<>();
        BreakIterator sentences = BreakIterator.getSentenceInstance(Locale.ROOT);
        sentences.setText(text);
        BreakIterator words = null;
        int cp = 0;
        for (int s = sentences.first(), e = sentences.next(); e != BreakIterator.DONE; s = e, e = sentences.next()) {
            long tokens = TokenEstimate.count(text, s, e);
            if (tokens <= maxTokens) {
                int cpEnd = cp + text.codePointCount(s, e);
                units.add(new Unit(s, e, cp, cpEnd, (int) tokens, true, true, true));
                cp = cpEnd;
                continue;
            }
            if (words == null) {
                words = BreakIterator.getWordInstance(Locale.ROOT);
                words.setText(text);
            }
            for (int a = s; a < e; ) {
                int b = words.following(a);
                b = b == BreakIterator.DONE || b > e ? e : b;
                cp = word(text, a, b, e, cp, maxTokens, units);
                a = b;
            }
        }
        return units;
    }

    /** Adds the word {@code [a, b)} of the sentence ending at {@code e}: one unit, or parts under the limit. */
    private static int word(String text, int a, int b, int e, int cp, int maxTokens, List<Unit> units) {
        long tokens = TokenEstimate.count(text, a, b);
        if (tokens <= maxTokens) {
            int cpEnd = cp + text.codePointCount(a, b);
            units.add(new Unit(a, b, cp, cpEnd, (int) tokens, false, b == e, true));
            return cpEnd;
        }
        int i = a;
        while (i < b) {
            int j = i;
            int partTokens = 0;
            int partCps = 0;
            while (j < b) {
                int len = Character.charCount(text.codePointAt(j));
                int t = (int) TokenEstimate.count(text, j, j + len);
                if (partTokens + t > maxTokens && j > i) {
                    break;
                }
                partTokens += t;
                partCps++;
                j += len;
            }
            units.add(new Unit(i, j, cp, cp + partCps, partTokens, false, j == e, j == b));
            cp += partCps;
            i = j;
        }
        return cp;
    }
}
