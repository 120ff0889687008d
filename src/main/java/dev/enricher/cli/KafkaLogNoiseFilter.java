package dev.enricher.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.slf4j.Marker;

/**
 * Drops the few Kafka log lines that a healthy service logs and that ask nothing of anyone. Kafka Streams commits every 100 ms under {@code exactly_once_v2}; a write that reaches a partition while the
 * transaction coordinator still completes the previous commit is refused with the retriable
 * {@code CONCURRENT_TRANSACTIONS}, and the batches in flight behind it with {@code OUT_OF_ORDER_SEQUENCE_NUMBER}; the
 * producer retries them all, in order, by itself. What is dropped:
 * <ul>
 *   <li>the producer's WARN "Got error produce response ... retrying ... Error: CONCURRENT_TRANSACTIONS" and the same
 *       for {@code OUT_OF_ORDER_SEQUENCE_NUMBER} (the producer says "retrying" only for the out-of-order batches
 *       behind a refused one; a real sequence gap is fatal to the producer, and Kafka Streams logs that as an
 *       error, which passes);</li>
 *   <li>the in-process broker's ERROR "Error processing append operation" for an {@link OutOfOrderSequenceException}
 *       (the other side of the same retries; only {@code demo} and {@code local-kafka} run a broker here);</li>
 *   <li>the WARN "Attempting to close NetworkClient that has already been closed", which the in-process broker's
 *       controller channel logs when it shuts down: a second close of something closed;</li>
 *   <li>the in-process broker's WARN "Auto topic creation failed for ... with error 'TOPIC_ALREADY_EXISTS'": two
 *       clients asked at once for an internal topic such as {@code __consumer_offsets}, and the first request
 *       created it.</li>
 * </ul>
 * Every other warning and error passes. Installed by {@code logback.xml}.
 *
 * <p>Hand-written: Logback has no configuration-only filter on a message's text without a scripting engine.
 */
public final class KafkaLogNoiseFilter extends TurboFilter {
    static final String SENDER = "org.apache.kafka.clients.producer.internals.Sender";
    static final String REPLICA_MANAGER = "kafka.server.ReplicaManager";
    /** Kafka prefixes the text with the client ("[Producer clientId=...] ") and formats it before logging. */
    private static final String RETRYING = "] Got error produce response with correlation id ";
    private static final String APPEND_FAILED = "Error processing append operation on partition";
    static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    private static final String CLOSED_TWICE = "Attempting to close NetworkClient that has already been closed";
    static final String AUTO_TOPIC_CREATION = "org.apache.kafka.server.DefaultAutoTopicCreationManager";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                              Throwable t) {
        if (format == null) {
            return FilterReply.NEUTRAL;
        }
        if (level == Level.WARN && SENDER.equals(logger.getName()) && format.contains(RETRYING)) {
            String error = params == null || params.length == 0 ? format : String.valueOf(params[params.length - 1]);
            return error.contains("CONCURRENT_TRANSACTIONS") || error.contains("OUT_OF_ORDER_SEQUENCE_NUMBER")
                    ? FilterReply.DENY : FilterReply.NEUTRAL;
        }
        if (level == Level.ERROR && t instanceof OutOfOrderSequenceException
                && REPLICA_MANAGER.equals(logger.getName()) && format.contains(APPEND_FAILED)) {
            return FilterReply.DENY;
        }
        if (level == Level.WARN && NETWORK_CLIENT.equals(logger.getName()) && format.contains(CLOSED_TWICE)) {
            return FilterReply.DENY;
        }
        if (level == Level.WARN && AUTO_TOPIC_CREATION.equals(logger.getName())
                && org.slf4j.helpers.MessageFormatter.arrayFormat(format, params).getMessage()
                .contains("TOPIC_ALREADY_EXISTS")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
