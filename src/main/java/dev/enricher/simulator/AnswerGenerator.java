package dev.enricher.simulator;

/**
 * Writes {@code choices[0].message.content} for one model family. Implementations are stateless apart from
 * immutable data loaded at start, thread-safe, deterministic (the same input gives the same content) and cheap:
 * they run on event loops.
 */
interface AnswerGenerator {
    /**
     * @throws ApiException for a request the model rejects (e.g. too many zero-shot labels)
     */
    String answer(ChatInput input);
}
