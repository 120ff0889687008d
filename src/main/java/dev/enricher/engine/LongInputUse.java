package dev.enricher.engine;

import dev.enricher.tasks.LongInput;
import dev.enricher.tasks.LongInputs;

/**
 * How a task's input over its model's limit was sent, for the enriched record.
 *
 * @param handling    {@code chunked} (in pieces, results merged) or {@code truncated} (its head only)
 * @param pieces      the calls it took: one per piece (1 when truncated)
 * @param inputLength the whole input's length, in code points
 * @param keptLength  how much of it was sent, in code points (all of it when chunked)
 */
public record LongInputUse(String handling, int pieces, int inputLength, int keptLength) {
    static LongInputUse of(LongInputs.Plan plan) {
        return new LongInputUse(plan.mode() == LongInput.Mode.CHUNK ? "chunked" : "truncated", plan.pieces().size(),
                plan.inputLength(), plan.keptLength());
    }
}
