package dev.enricher.serde.decode;

import dev.enricher.serde.SchemaRegistry;
import java.util.Objects;

/**
 * Turns a raw Kafka record value into a {@link DecodedEvent}.
 *
 * <p>Implementations are immutable and thread-safe: one instance serves every stream thread. They may be called
 * with any bytes, and null.
 */
public interface InputDecoder {

    /**
     * Decodes one record value.
     *
     * @param topic the topic the record came from, for messages only; may be null
     * @param value the record value; may be null (a tombstone)
     * @return the event; its text is never blank
     * @throws DecodeException and nothing else, for every input that is not a valid event, and for a registry that
     *                         cannot be asked ({@link DecodeException#recordAtFault()} false). The Avro decoder may
     *                         block on its registry for the first record of each schema id.
     */
    DecodedEvent decode(String topic, byte[] value);

    /**
     * The decoder {@code config} describes.
     *
     * @param registry the schema registry for {@link InputFormat#AVRO}; ignored (and may be null) otherwise
     * @throws IllegalArgumentException when the format is AVRO and there is no registry
     */
    static InputDecoder create(DecoderConfig config, SchemaRegistry registry) {
        Objects.requireNonNull(config, "config");
        switch (config.format()) {
            case JSON:
                return new JsonInputDecoder(config.textPointer(), config.idPointer(), config.maxBytes());
            case TEXT:
                return new PlainTextDecoder(config.maxBytes());
            case AVRO:
                if (registry == null) {
                    throw new IllegalArgumentException("input.format avro needs a schema registry: configure the schema registry URL");
                }
                return new AvroInputDecoder(registry, config.textField(), config.idField(), config.maxBytes());
            default:
                throw new AssertionError(config.format());
        }
    }
}
