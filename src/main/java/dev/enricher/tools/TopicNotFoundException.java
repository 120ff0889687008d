package dev.enricher.tools;

import org.apache.kafka.common.KafkaException;

/** A tool was asked to read a topic the cluster does not have. */
public final class TopicNotFoundException extends KafkaException {
    private final String topic;

    TopicNotFoundException(String topic) {
        super("topic " + topic + " does not exist");
        this.topic = topic;
    }

    /** The topic that was asked for. */
    public String topic() {
        return topic;
    }
}
