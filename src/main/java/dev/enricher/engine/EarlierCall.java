package dev.enricher.engine;

import java.util.Objects;

/**
 * An answered call of a task other than the one its result came from: its answer was refused and sent back for
 * repair, or it answered one piece of a chunked long input. It was paid, so the enriched record accounts for it.
 *
 * @param model the model that answered
 * @param call  the call's accounting
 * @param piece the piece of a chunked long input the call answered; null when it was about the whole input
 */
public record EarlierCall(String model, CallInfo call, Integer piece) {
    public EarlierCall {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(call, "call");
    }

    /** A call about the task's whole input. */
    public EarlierCall(String model, CallInfo call) {
        this(model, call, null);
    }
}
