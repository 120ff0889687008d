package dev.enricher.tasks;

import dev.enricher.client.ChatRequest;
import java.util.List;
import java.util.Objects;

/**
 * Plans a task's call on an input over its limit ({@link LongInput}): measures the request with
 * {@link TokenEstimate} and, when it does not fit, cuts the input into pieces ({@link LongInput.Mode#CHUNK}) or to its
 * head ({@link LongInput.Mode#TRUNCATE}). A plan is a pure function of the task, the input and the limit, so the
 * engine need not store it: it plans again after a restart and gets the same pieces. Stateless.
 */
public final class LongInputs {
    /** The share of a piece that overlaps the previous one, at most (whole sentences). */
    private static final int OVERLAP_DIVISOR = 10;

    private LongInputs() {
    }

    /**
     * How a long input is sent.
     *
     * @param mode        chunk (several pieces) or truncate (one piece, the head)
     * @param pieces      the pieces sent, in order; offsets in code points of the whole input
     * @param inputLength the whole input's length in code points
     */
    public record Plan(LongInput.Mode mode, List<TextPiece> pieces, int inputLength) {
        public Plan {
            Objects.requireNonNull(mode, "mode");
            pieces = List.copyOf(pieces);
            if (pieces.isEmpty()) {
                throw new IllegalArgumentException("a plan needs at least one piece");
            }
        }

        /** How many code points of the input were sent (all of them when chunked). */
        public int keptLength() {
            return pieces.get(pieces.size() - 1).end();
        }
    }

    /**
     * The plan of {@code task}'s call on {@code input}; null when the request fits the limit (or is sent whatever
     * its size: {@link LongInput.Mode#DEAD_LETTER}).
     *
     * @param limitTokens the request's token limit
     * @throws IllegalArgumentException when the task's prompt alone (without the input text) leaves no room
     */
    public static Plan plan(EnrichmentTask task, TaskInput input, LongInput.Mode mode, int limitTokens) {
        if (mode == LongInput.Mode.DEAD_LETTER) {
            return null;
        }
        ChatRequest whole = task.request(input);
        if (TokenEstimate.of(whole) <= limitTokens) {
            return null;
        }
        // What the prompt around the text takes: the same request about a one-character text.
        int overhead = TokenEstimate.of(task.request(new TaskInput("x", input.id(), input.attributes()))) - 1;
        int budget = limitTokens - overhead;
        if (budget < 8) {
            throw new IllegalArgumentException("task '" + task.name() + "': its prompt alone takes about " + overhead
                    + " of the " + limitTokens + " tokens its model takes; shorten the prompt or raise "
                    + "max-input-tokens");
        }
        String text = input.text();
        int length = CodePointSpans.length(text);
        List<TextPiece> pieces = mode == LongInput.Mode.CHUNK
                ? TextPieces.split(text, budget, budget / OVERLAP_DIVISOR)
                : List.of(TextPieces.head(text, budget));
        return new Plan(mode, pieces, length);
    }
}
