package dev.enricher.engine;

/**
 * Pauses and resumes all processing of this instance; implemented over {@code KafkaStreams#pause()} and
 * {@code #resume()}. Called by the circuit from its own thread (never from a stream thread), so a paused instance
 * can be resumed: nothing in the topology runs while it is paused.
 */
public interface InstanceControl {
    void pause();

    void resume();

    /** For tests and the topology test driver: nothing to pause. */
    InstanceControl NONE = new InstanceControl() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }
    };
}
