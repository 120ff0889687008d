package dev.enricher.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Events generated from the built-in {@link SampleCorpus}: {@code {"id": "sample-<n>", "text": ..., "source": ...}}
 * for n from 1, the same for the same seed. One thread only.
 */
public final class SampleEvents implements EventSource {
    private final SampleCorpus corpus;
    private final long count;
    private final long seed;
    private final EventKeys keys;
    private long n;

    /**
     * @param count how many events, >= 1
     * @param keys  a round robin, or one of the fields {@code id}, {@code text}, {@code source}
     */
    public SampleEvents(SampleCorpus corpus, long count, long seed, EventKeys keys) {
        if (count < 1) {
            throw new IllegalArgumentException("a sample of " + count + " events: give at least 1");
        }
        this.corpus = Objects.requireNonNull(corpus, "corpus");
        this.count = count;
        this.seed = seed;
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public OutgoingEvent next() {
        if (n >= count) {
            return null;
        }
        n++;
        SampleCorpus.SampleEvent e = corpus.event(n, seed);
        ObjectNode json = e.node();
        return new OutgoingEvent(keys.keyOf(n - 1, json), json.toString().getBytes(StandardCharsets.UTF_8), e.id());
    }
}
