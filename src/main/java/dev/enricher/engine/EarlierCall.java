package dev.enricher.engine;

import java.util.Objects;

/**
 * An answered call of a task that came before its last one: its answer was refused and sent back for repair. It was
 * paid, so the enriched record accounts for it.
 *
 * @param model the model that answered
 * @param call  the call's accounting
 */
public record EarlierCall(String model, CallInfo call) {
    public EarlierCall {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(call, "call");
    }
}
