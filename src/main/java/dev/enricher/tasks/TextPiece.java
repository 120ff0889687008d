package dev.enricher.tasks;

import java.util.Objects;

/**
 * One piece of a long text, cut by {@link TextPieces}: the piece's text and where it lies in the whole text.
 *
 * @param index the piece's position among the pieces, from 0
 * @param start offset of the piece's first character in the whole text, in Unicode code points (not UTF-16 units)
 * @param end   offset just past the piece, in code points, >= start
 * @param text  exactly the whole text's code points {@code start..end}; its code point count is {@code end - start}
 */
public record TextPiece(int index, int start, int end, String text) {
    public TextPiece {
        Objects.requireNonNull(text, "text");
        if (index < 0) {
            throw new IllegalArgumentException("piece index must be >= 0, was " + index);
        }
        if (start < 0 || start > end) {
            throw new IllegalArgumentException("piece offsets must satisfy 0 <= start <= end, were start=" + start
                    + " end=" + end);
        }
        int length = CodePointSpans.length(text);
        if (length != end - start) {
            throw new IllegalArgumentException("piece " + index + " spans " + (end - start) + " code points ("
                    + start + ".." + end + ") but its text has " + length);
        }
    }

    @Override
    public String toString() {
        // No text: it may hold personal data.
        return "TextPiece[index=" + index + ", start=" + start + ", end=" + end + "]";
    }
}
