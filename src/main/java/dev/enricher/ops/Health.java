package dev.enricher.ops;

/**
 * What the health endpoints report.
 *
 * @param live   false only when the process cannot recover by itself (Kafka Streams in ERROR or shut down)
 * @param ready  true when Kafka Streams is RUNNING and the circuit is closed
 * @param detail a short human-readable state, e.g. {@code streams=RUNNING circuit=CLOSED}
 */
public record Health(boolean live, boolean ready, String detail) {
}
