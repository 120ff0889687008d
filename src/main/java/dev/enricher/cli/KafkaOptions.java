package dev.enricher.cli;

import dev.enricher.config.EnricherConfig;
import dev.enricher.tools.TopicNotFoundException;
import dev.enricher.topology.KafkaProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where the Kafka cluster is and any extra client settings (security, timeouts), shared by the commands that
 * talk to Kafka. Settings are applied in this order, each over the ones before: the command's own, the service's
 * from {@code --config} (where the command takes it), {@code --bootstrap-servers}, {@code --client-property}.
 */
final class KafkaOptions {
    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Kafka brokers to bootstrap from, e.g. 127.0.0.1:9092 (what `local-kafka` prints). "
                    + "Required, unless --config gives kafka.bootstrap-servers.")
    String bootstrapServers;

    @Option(names = "--client-property", paramLabel = "KEY=VALUE",
            description = "An extra Kafka client setting, e.g. security.protocol=SASL_SSL; repeatable. "
                    + "Applied after the command's own settings, so it overrides them.")
    Map<String, String> clientProperties = new LinkedHashMap<>();

    /** The cluster as the command reaches it, for messages; set by {@link #validate}. */
    private String cluster;

    /**
     * Checks that the cluster is named, by {@code --bootstrap-servers} or by {@code service}.
     *
     * @param service the service's configuration from {@code --config}; null without
     * @throws ParameterException when neither names it
     */
    void validate(CommandSpec spec, EnricherConfig service) {
        if (bootstrapServers != null) {
            cluster = bootstrapServers;
        } else if (service != null) {
            cluster = String.valueOf(service.kafkaClient(KafkaProperties.Client.CONSUMER).get("bootstrap.servers"));
        } else {
            throw new ParameterException(spec.commandLine(), "Missing required option: --bootstrap-servers (e.g. "
                    + "--bootstrap-servers 127.0.0.1:9092)"
                    + (spec.findOption("--config") != null ? ", or --config with the service's configuration" : ""));
        }
    }

    /** The command's own settings, then bootstrap.servers, then the user's extra settings. */
    Properties clientConfig(Map<String, Object> own) {
        return clientConfig(own, null, KafkaProperties.Client.CONSUMER);
    }

    /**
     * The command's own settings, then the service's cluster and connection settings for {@code client} (when
     * {@code service} is given), then {@code --bootstrap-servers}, then the user's extra settings.
     */
    Properties clientConfig(Map<String, Object> own, EnricherConfig service, KafkaProperties.Client client) {
        Properties p = new Properties();
        p.putAll(own);
        if (service != null) {
            p.putAll(service.kafkaClient(client));
        }
        if (bootstrapServers != null) {
            p.put("bootstrap.servers", bootstrapServers);
        }
        p.putAll(clientProperties);
        return p;
    }

    /** A failure of Kafka itself (not of a record), and the options to check. */
    String failed(KafkaException e) {
        return "Kafka failed: " + e.getMessage() + " (check --bootstrap-servers and --client-property, or the "
                + "kafka.bootstrap-servers and streams: settings of --config)";
    }

    /** A topic the cluster does not have, and the options to check ({@code option} names the topic). */
    String missing(TopicNotFoundException e, String option) {
        return "topic " + e.topic() + " does not exist on " + (cluster != null ? cluster : bootstrapServers)
                + ": check " + option + " and --bootstrap-servers";
    }
}
