package dev.enricher.results;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The call-results topic's settings, and making sure the topic has them.
 *
 * <p>Why {@code cleanup.policy=compact,delete}: a key is the content hash of one question, so only its latest answer
 * matters; compaction keeps one record per question however often it is asked, and the delete policy with
 * {@code retention.ms} = the TTL removes answers older than the TTL (the local store stops serving them at the same
 * age). Segments roll at most daily ({@code segment.ms}), so retention and compaction see closed segments soon.
 */
public final class CallResultTopic {
    private static final Logger LOG = LoggerFactory.getLogger(CallResultTopic.class);
    private static final long TIMEOUT_SECONDS = 60;

    private CallResultTopic() {
    }

    /** The topic configs this service wants for {@code settings}, with records up to {@code maxRecordBytes}. */
    public static Map<String, String> configs(CallResultSettings settings, int maxRecordBytes) {
        long ttl = settings.ttl().toMillis();
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + ","
                        + TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(ttl),
                TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Math.max(60_000, Math.min(ttl, 86_400_000L))),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxRecordBytes));
    }

    /**
     * Creates the topic with {@link #configs} when it does not exist; when it does, sets the configs that differ
     * (a changed TTL changes the retention). A broker that refuses the change (no ALTER_CONFIGS right) leaves the
     * topic as it is, with a warning saying what to set: answers are still served for the TTL only.
     *
     * @throws IllegalStateException when the topic can neither be found nor created; the message says what to do
     */
    public static void ensure(Admin admin, CallResultSettings settings, int maxRecordBytes) {
        Map<String, String> wanted = configs(settings, maxRecordBytes);
        String topic = settings.topic();
        try {
            try {
                admin.createTopics(List.of(new NewTopic(topic, Optional.of(settings.partitions()),
                        settings.replicationFactor() < 0 ? Optional.empty() : Optional.of(settings.replicationFactor()))
                        .configs(wanted))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("Created the call-results topic '{}' ({} partitions, {})", topic, settings.partitions(),
                        wanted);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            var current = admin.describeConfigs(List.of(resource)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(resource);
            Collection<AlterConfigOp> changes = new ArrayList<>();
            for (Map.Entry<String, String> w : wanted.entrySet()) {
                ConfigEntry have = current.get(w.getKey());
                if (have == null || !w.getValue().equals(have.value())) {
                    changes.add(new AlterConfigOp(new ConfigEntry(w.getKey(), w.getValue()), AlterConfigOp.OpType.SET));
                }
            }
            if (changes.isEmpty()) {
                return;
            }
            try {
                admin.incrementalAlterConfigs(Map.of(resource, changes)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.info("Set {} on the call-results topic '{}'", changes.stream()
                        .map(c -> c.configEntry().name() + "=" + c.configEntry().value()).toList(), topic);
            } catch (ExecutionException e) {
                LOG.warn("The call-results topic '{}' lacks {} and the broker refused to set them ({}); set them "
                        + "(kafka-configs --alter --entity-type topics --entity-name {}) so that answers older than the "
                        + "TTL are removed and repeated questions compacted", topic, wanted, e.getCause().toString(),
                        topic);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create the call-results topic '" + topic + "': "
                    + e.getCause().getMessage() + "; create it (compacted, see the README) or set cache.enabled: false",
                    e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer within " + TIMEOUT_SECONDS + " s when checking "
                    + "the call-results topic '" + topic + "'", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the call-results topic '" + topic + "'", e);
        }
    }
}
