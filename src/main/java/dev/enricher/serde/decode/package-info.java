/**
 * Input decoders: a raw record value (bytes, possibly null) to a {@link dev.enricher.serde.decode.DecodedEvent}
 * (non-blank text, optional id, string attributes), for the topology's decode step.
 *
 * <p>Design notes.
 * <ul>
 * <li>One contract, {@link dev.enricher.serde.decode.InputDecoder}, three implementations chosen once from
 *     {@link dev.enricher.serde.decode.DecoderConfig} by {@code InputDecoder.create}: JSON (text and id at JSON
 *     Pointers), Avro (Confluent wire format through a {@link dev.enricher.serde.SchemaRegistry}), plain UTF-8
 *     text. Decoders are immutable and thread-safe; one instance serves every stream thread.</li>
 * <li>Any bytes in, and exactly two ways out: an event, or a {@link dev.enricher.serde.decode.DecodeException}
 *     whose {@link dev.enricher.serde.decode.DecodeException.Reason} is stable (dashboards and dead-letter headers
 *     can key on it). Parser exceptions never escape; property tests feed every decoder arbitrary bytes to keep it
 *     so.</li>
 * <li>Who can fix it: every reason is the record's fault (dead-letter it at once) except
 *     {@code REGISTRY_UNAVAILABLE}, for which {@link dev.enricher.serde.decode.DecodeException#recordAtFault()} is
 *     false: the pipeline keeps the record and retries or pauses, as for an API outage.</li>
 * <li>Messages say what was expected, what was found and where (JSON Pointer, field, byte offset, schema id), and
 *     name the setting to change ({@code input.format}, {@code input.text-pointer}, {@code input.max-bytes}...).
 *     They describe the input by type and size and never quote it: values may hold personal data.</li>
 * <li>Limits are checked before work: the size before parsing; JSON nesting, number and name lengths through
 *     Jackson's {@code StreamReadConstraints}; Avro lengths and item counts against the bytes left, before
 *     anything is allocated.</li>
 * <li>Strict UTF-8 everywhere (a lenient decoder would silently turn bad bytes into U+FFFD and enrich garbage).</li>
 * </ul>
 */
package dev.enricher.serde.decode;
