package dev.enricher.client;

import java.util.Objects;

/**
 * What the catalog knows about one model.
 *
 * @param id                    model id as sent in {@code model}
 * @param inputLimitTokens      the model's input limit in tokens
 * @param inputUsdPerMillion    price of one million input (prompt) tokens, US dollars
 * @param outputUsdPerMillion   price of one million output (completion) tokens, US dollars
 */
public record ModelSpec(String id, int inputLimitTokens, double inputUsdPerMillion, double outputUsdPerMillion) {
    public ModelSpec {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("model id must not be blank");
        }
        if (inputLimitTokens < 1) {
            throw new IllegalArgumentException("input limit of " + id + " must be >= 1 token, was " + inputLimitTokens);
        }
        if (inputUsdPerMillion < 0 || outputUsdPerMillion < 0) {
            throw new IllegalArgumentException("prices of " + id + " must be >= 0");
        }
    }

    /** Estimated cost of one call in US dollars. */
    public double costUsd(Usage usage) {
        return usage.promptTokens() * inputUsdPerMillion / 1e6 + usage.completionTokens() * outputUsdPerMillion / 1e6;
    }
}
