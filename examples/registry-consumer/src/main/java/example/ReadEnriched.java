package example;

import dev.enricher.avro.EnrichedEvent;
import dev.enricher.avro.ScoredLabel;
import dev.enricher.results.SentimentResult;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Prints the sentiment and the top IAB audience of every enriched record:
 * {@code java -cp ... example.ReadEnriched 127.0.0.1:9092 http://127.0.0.1:8085 enriched-events}.
 * Each result is a typed field of {@code results}, null when its task failed or was skipped.
 */
public final class ReadEnriched {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "registry-consumer-example");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        RegistryDecoder decoder = new RegistryDecoder(args[1]);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(args[2]));
            while (true) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    System.out.println(describe(decoder.decode(r.value())));
                }
            }
        }
    }

    /** One line per record: where it came from, the sentiment with its score and reasons, the top IAB audience. */
    public static String describe(EnrichedEvent e) {
        StringBuilder b = new StringBuilder(e.getSourceTopic() + "@" + e.getSourceOffset());
        SentimentResult s = e.getResults().getSentiment();
        if (s != null) {
            b.append(" sentiment=").append(s.getLabel()).append(" score=").append(s.getScore());
            if (s.getReasons() != null) {
                b.append(" reasons=").append(s.getReasons());
            }
        }
        if (e.getResults().getIab() != null) {
            List<ScoredLabel> audience = e.getResults().getIab().getAudience();
            b.append(" audience=").append(audience.isEmpty() ? "-" : audience.get(0).getName());
        }
        return b.toString();
    }
}
