package dev.enricher.cli;

import dev.enricher.tools.TopicNotFoundException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Option;

/**
 * Where the Kafka cluster is and any extra client settings (security, timeouts), shared by the commands that
 * talk to Kafka. The extra settings are applied last, so a user can override what a command sets itself.
 */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka brokers to bootstrap from, e.g. 127.0.0.1:9092 (what `local-kafka` prints).")
    String bootstrapServers;

    @Option(names = "--client-property", paramLabel = "KEY=VALUE",
            description = "An extra Kafka client setting, e.g. security.protocol=SASL_SSL; repeatable. "
                    + "Applied after the command's own settings, so it overrides them.")
    Map<String, String> clientProperties = new LinkedHashMap<>();

    /** The command's own settings, then bootstrap.servers, then the user's extra settings. */
    Properties clientConfig(Map<String, Object> own) {
        Properties p = new Properties();
        p.putAll(own);
        p.put("bootstrap.servers", bootstrapServers);
        p.putAll(clientProperties);
        return p;
    }

    /** A failure of Kafka itself (not of a record), and the options to check. */
    String failed(KafkaException e) {
        return "Kafka failed: " + e.getMessage() + " (check --bootstrap-servers and --client-property)";
    }

    /** A topic the cluster does not have, and the options to check ({@code option} names the topic). */
    String missing(TopicNotFoundException e, String option) {
        return "topic " + e.topic() + " does not exist on " + bootstrapServers + ": check " + option
                + " and --bootstrap-servers";
    }
}
