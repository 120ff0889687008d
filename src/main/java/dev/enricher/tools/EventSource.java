package dev.enricher.tools;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where an {@link EventProducer} takes its events from, one at a time: a file ({@link FileEvents}) or the sample
 * corpus ({@link SampleEvents}). Called on one thread only, the producer's.
 */
public interface EventSource extends Closeable {
    /**
     * The next event, or null at the end.
     *
     * @throws BadLineException when a line breaks the {@link BadLinePolicy#FAIL} policy: the run stops there
     * @throws IOException      when the source cannot be read
     */
    OutgoingEvent next() throws IOException;

    /** Input the source reported as bad so far (sent, skipped or stopped at): lines that are not events. */
    default long badLines() {
        return 0;
    }

    @Override
    default void close() throws IOException {
    }
}
