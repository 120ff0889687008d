package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.utils.internals.LogContext;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * logback.xml's filter drops exactly the Kafka lines that ask nothing, logged as Kafka logs them (through its
 * {@link LogContext}, which formats and prefixes the text), and lets the real warnings of the same loggers through.
 */
class KafkaLogNoiseFilterTest {
    private static final String RETRYING = "Got error produce response with correlation id {} on topic-partition {}, "
            + "retrying ({} attempts left). Error: {}";

    @Test
    void dropsTheRetriedTransactionRacesAndKeepsTheSendersOtherWarnings() {
        Logger sender = new LogContext("[Producer clientId=app-StreamThread-1-producer, transactionalId=app-1] ")
                .logger(KafkaLogNoiseFilter.SENDER);
        try (WarningLog log = WarningLog.capture()) {
            sender.warn(RETRYING, 15, "app-pending-changelog-0", 2147483646, "CONCURRENT_TRANSACTIONS");
            sender.warn(RETRYING, 16, "app-pending-changelog-0", 2147483646, "OUT_OF_ORDER_SEQUENCE_NUMBER");
            sender.warn(RETRYING, 17, "enriched-0", 2147483646, "NOT_ENOUGH_REPLICAS");
            sender.warn("Received invalid metadata error in produce request on partition {} due to {}. Going to "
                    + "request metadata update now", "enriched-0", "NOT_LEADER_OR_FOLLOWER");
            assertThat(log.unexpected()).hasSize(2).allSatisfy(l -> assertThat(l).doesNotContain(
                    "CONCURRENT_TRANSACTIONS", "OUT_OF_ORDER_SEQUENCE_NUMBER"));
            assertThat(log.unexpected().get(0)).contains("Error: NOT_ENOUGH_REPLICAS");
        }
    }

    @Test
    void dropsTheBrokersSideOfTheRacesADoubleCloseAndARacedTopicCreationOnly() {
        Logger replicaManager = LoggerFactory.getLogger(KafkaLogNoiseFilter.REPLICA_MANAGER);
        Logger network = new LogContext("[NodeToControllerChannelManager id=1 name=registration] ")
                .logger(KafkaLogNoiseFilter.NETWORK_CLIENT);
        try (WarningLog log = WarningLog.capture()) {
            replicaManager.error("[ReplicaManager broker=1] Error processing append operation on partition x:t-0",
                    new OutOfOrderSequenceException("Out of order sequence number: 5 (incoming), 3 (current end)"));
            replicaManager.error("[ReplicaManager broker=1] Error processing append operation on partition x:t-0",
                    new KafkaStorageException("disk failed"));
            network.warn("Attempting to close NetworkClient that has already been closed.");
            network.warn("Connection to node {} ({}) could not be established. Node may not be available.", -1,
                    "localhost/127.0.0.1:9092");
            Logger autoCreate = LoggerFactory.getLogger(KafkaLogNoiseFilter.AUTO_TOPIC_CREATION);
            autoCreate.warn("Auto topic creation failed for __consumer_offsets with error 'TOPIC_ALREADY_EXISTS': "
                    + "Topic '__consumer_offsets' already exists..");
            autoCreate.warn("Auto topic creation failed for {} with error '{}': {}", "__transaction_state",
                    "TOPIC_ALREADY_EXISTS", "Topic '__transaction_state' already exists.");
            assertThat(log.unexpected()).hasSize(2);
            assertThat(log.unexpected().get(0)).startsWith("ERROR").contains("Error processing append operation");
            assertThat(log.unexpected().get(1)).contains("could not be established");
        }
    }
}
