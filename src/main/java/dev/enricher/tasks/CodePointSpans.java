package dev.enricher.tasks;

/**
 * Spans given in Unicode code points, as the API's models (Python libraries: a Python string indexes code points)
 * return them and as the enriched record publishes them, read against a Java string (which indexes UTF-16 units).
 * The two counts differ after every character outside the Basic Multilingual Plane (emoji, CJK extension B,
 * mathematical letters such as U+1D400): each is one code point but two UTF-16 units.
 *
 * <p>The conversion itself is the JDK's ({@link String#offsetByCodePoints}, {@link String#codePointCount}); this class
 * adds the range checks and the wording of what went wrong. Stateless.
 */
final class CodePointSpans {
    private CodePointSpans() {
    }

    /** The length of {@code text} in code points (a lone surrogate counts as one, as the JDK counts it). */
    static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * The part of {@code text} between code point offsets {@code start} (inclusive) and {@code end} (exclusive):
     * Python's {@code text[start:end]} for valid offsets.
     *
     * @throws IndexOutOfBoundsException when {@code 0 <= start <= end <= length(text)} does not hold
     */
    static String slice(String text, int start, int end) {
        if (start < 0 || start > end) {
            throw new IndexOutOfBoundsException("code point offsets " + start + ".." + end);
        }
        int from = text.offsetByCodePoints(0, start);
        return text.substring(from, text.offsetByCodePoints(from, end - start));
    }

    /**
     * Checks that a span's offsets lie in {@code input} and delimit exactly {@code spanText} there, counted in code
     * points.
     *
     * @param at where the span is in the answer, for the reason (a JSON path such as {@code $.entities[2]})
     * @throws ContentShapeException when they do not; the reason gives numbers and, when the offsets do fit as UTF-16
     *                               units instead, says so (the server counts differently), but never quotes text
     */
    static void check(String input, String spanText, int start, int end, String at) {
        int length = length(input);
        if (end > length) {
            throw new ContentShapeException("expected offsets within the input's " + length + " code points at " + at
                    + ", found end " + end);
        }
        if (slice(input, start, end).equals(spanText)) {
            return;
        }
        boolean utf16 = end <= input.length() && input.substring(start, end).equals(spanText);
        throw new ContentShapeException("expected " + at + ".text to be the input between code points " + start
                + " and " + end + " (offsets count Unicode code points), found other text"
                + (utf16 ? "; it is the input between UTF-16 units " + start + " and " + end
                        + ": the server counts UTF-16 units, not code points" : ""));
    }
}
