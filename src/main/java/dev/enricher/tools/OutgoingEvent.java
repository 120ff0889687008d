package dev.enricher.tools;

/**
 * One event ready to send.
 *
 * @param key   the record key; null for none
 * @param value the record value, exactly the bytes to send
 * @param label what to call the event in messages: {@code file:line}, or the sample event's id
 */
public record OutgoingEvent(byte[] key, byte[] value, String label) {
}
