package dev.enricher.topology;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What Kafka's own clients make of the properties the service passes through to Kafka Streams ({@code streams.*} in
 * the configuration): which of them hold secrets, and which of them a plain consumer or producer of the same cluster
 * needs (the operator tools'). Kafka's {@link ConfigDef}s are the authority, so a property a future Kafka adds is
 * handled as Kafka declares it. Stateless; any thread.
 */
public final class KafkaProperties {
    /** What a secret is shown as. */
    public static final String MASK = "****";

    /**
     * The prefixes Kafka Streams strips before handing a property to one of its clients ({@code main.consumer.} is
     * checked before {@code consumer.}: both may apply to one name only as written).
     */
    private static final List<String> CLIENT_PREFIXES = List.of(StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX, StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.PRODUCER_PREFIX, StreamsConfig.ADMIN_CLIENT_PREFIX);

    /** Every name some Kafka client or Kafka Streams knows, and those of them typed {@link ConfigDef.Type#PASSWORD}. */
    private static final Set<String> KNOWN = new HashSet<>();
    private static final Set<String> PASSWORDS = new HashSet<>();

    /** Words that mark a secret in a name no ConfigDef knows (a plugin's, a login module's). */
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "jaas", "token", "credential");

    static {
        for (ConfigDef def : List.of(StreamsConfig.configDef(), ConsumerConfig.configDef(),
                ProducerConfig.configDef(), AdminClientConfig.configDef())) {
            def.configKeys().forEach((name, key) -> {
                KNOWN.add(name);
                if (key.type == ConfigDef.Type.PASSWORD) {
                    PASSWORDS.add(name);
                }
            });
        }
    }

    /** The clients of the tools that reach the service's cluster. */
    public enum Client {
        /** A plain consumer: Kafka Streams gives its main consumer the {@code consumer.} and {@code main.consumer.} forms. */
        CONSUMER(ConsumerConfig.configNames(), List.of(StreamsConfig.CONSUMER_PREFIX, StreamsConfig.MAIN_CONSUMER_PREFIX)),
        /** A plain producer: Kafka Streams gives its producer the {@code producer.} form. */
        PRODUCER(ProducerConfig.configNames(), List.of(StreamsConfig.PRODUCER_PREFIX));

        private final Set<String> names;
        private final List<String> prefixes;

        Client(Set<String> names, List<String> prefixes) {
            this.names = names;
            this.prefixes = prefixes;
        }
    }

    private KafkaProperties() {
    }

    /**
     * True when the value of property {@code name} is a secret: Kafka types it {@link ConfigDef.Type#PASSWORD} in
     * Kafka Streams' or a client's ConfigDef (as written, or after a client prefix such as {@code consumer.} or
     * {@code main.consumer.}), or, for a name no ConfigDef knows, the name says so (password, secret, jaas, token,
     * credential).
     */
    public static boolean isSecret(String name) {
        if (PASSWORDS.contains(name)) {
            return true;
        }
        boolean known = KNOWN.contains(name);
        for (String prefix : CLIENT_PREFIXES) {
            if (name.startsWith(prefix)) {
                String unprefixed = name.substring(prefix.length());
                if (PASSWORDS.contains(unprefixed)) {
                    return true;
                }
                known |= KNOWN.contains(unprefixed);
            }
        }
        if (known) {
            return false;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (String word : SECRET_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** {@code value} as it may be printed: {@link #MASK} for a secret. */
    public static String shown(String name, Object value) {
        return isSecret(name) ? MASK : String.valueOf(value);
    }

    /** {@code properties} as they may be printed, secrets masked, in their order. */
    public static Map<String, String> masked(Map<String, ?> properties) {
        Map<String, String> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> out.put(k, shown(k, v)));
        return out;
    }

    /**
     * The properties of {@code properties} that a plain {@code client} needs to reach the same cluster as Kafka
     * Streams does: the connection's security ({@code security.protocol}, {@code security.providers}, {@code ssl.*},
     * {@code sasl.*}) and {@code client.dns.lookup}, as far as the client knows them; the client-prefixed forms
     * override the plain ones, as in Kafka Streams. Nothing about processing (groups, offsets, isolation, batching)
     * is taken: the tools set those themselves.
     */
    public static Map<String, Object> connection(Map<String, ?> properties, Client client) {
        Map<String, Object> out = new LinkedHashMap<>();
        properties.forEach((name, value) -> {
            if (isConnection(name) && client.names.contains(name)) {
                out.put(name, value);
            }
        });
        for (String prefix : client.prefixes) {
            properties.forEach((name, value) -> {
                if (name.startsWith(prefix)) {
                    String unprefixed = name.substring(prefix.length());
                    if (isConnection(unprefixed) && client.names.contains(unprefixed)) {
                        out.put(unprefixed, value);
                    }
                }
            });
        }
        return out;
    }

    private static boolean isConnection(String name) {
        return name.equals("security.protocol") || name.equals("security.providers") || name.startsWith("ssl.")
                || name.startsWith("sasl.") || name.equals("client.dns.lookup");
    }
}
