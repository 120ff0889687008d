package dev.enricher.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.avro.DeadLetter;
import dev.enricher.serde.SerdeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Re-publishes dead letters' original records: reads a dead-letter topic over a bounded range, decides for each dead
 * letter with a {@link ReplayPlan}, and sends the chosen ones' original key, value and headers, byte for byte, to
 * another topic.
 *
 * <p>What it reads: every partition of {@link Settings#from} by manual assignment, from the beginning (or from the
 * group's committed offsets when {@link Settings#group} is set) up to the end offsets found when {@link #run} starts.
 * Manual assignment, because a bounded range needs every partition at once and a fixed end: a subscription would
 * wait for a rebalance, could get only some partitions while another member holds the rest, and would make "the
 * end" a moving target. The group id serves only to read and commit offsets; no group is joined. The consumer must
 * read committed records only ({@link #consumerSettings}): the service writes dead letters in transactions, and an
 * aborted one must never be replayed.
 *
 * <p>What it writes, in which transaction: for each poll that returned records, one transaction holding the replays
 * of that poll and, with a group, the offsets of what was read. A crash or Ctrl-C therefore replays a batch
 * completely or not at all: the open transaction is aborted by the broker, or fenced by the next run with the same
 * transactional id. In a dry run (no producer) nothing is sent or committed; each replay is reported instead.
 *
 * <p>What it returns: {@link ReplayCounts}, also readable through {@link #counts()} after {@code run} threw, so the
 * caller can always say how far it got.
 *
 * <p>Threads: {@code run} is called once, on the caller's thread, which it blocks until the end offsets or
 * {@link Settings#max} are reached or something fails; {@link ReplayReport} is called back on that thread. The
 * consumer and producer belong to the caller, who opens them before and closes them after the run; no other thread
 * may use them meanwhile. Forbidden: calling {@code run} twice; a producer without a {@code transactional.id}
 * ({@link #producerSettings}), or shared with another writer.
 */
public final class DeadLetterReplayer {
    private static final Duration POLL = Duration.ofMillis(200);
    /** Giving up when the end offsets are not reached and nothing arrives for this long. */
    static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    /**
     * What to replay where.
     *
     * @param from  the dead-letter topic
     * @param to    where the original records go, usually the service's input topic; not {@code from}
     * @param plan  which dead letters to replay, and with which headers
     * @param max   replay at most this many, >= 1; null for no limit
     * @param group read from and commit to this consumer group's offsets; null to start at the beginning and commit
     *              nothing
     */
    public record Settings(String from, String to, ReplayPlan plan, Long max, String group) {
        public Settings {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(plan, "plan");
            if (from.equals(to)) {
                throw new IllegalArgumentException("replaying " + from + " into itself");
            }
            if (max != null && max < 1) {
                throw new IllegalArgumentException("max " + max + " must be at least 1");
            }
        }
    }

    /** Records the replayer leaves alone, and what a dry run would replay; called on the thread of {@link #run}. */
    public interface ReplayReport {
        /** A dead letter a dry run would replay, as one JSON document. */
        void wouldReplay(String json);

        /** A record not replayed although the filters selected it (unreadable, a tombstone, refused), and why. */
        void leftAlone(String where, String why);
    }

    /** Sending failed inside a transaction, which was aborted: none of that batch was replayed. */
    public static final class RolledBack extends KafkaException {
        RolledBack(String to, KafkaException cause) {
            super("sending to " + to + " failed, the batch was rolled back: " + cause.getMessage(), cause);
        }
    }

    /** Nothing arrived for {@link #STALL_LIMIT} although the end offsets were not reached. */
    public static final class Stalled extends KafkaException {
        Stalled(String message) {
            super(message);
        }
    }

    /**
     * Reads one input record back from its topic, for a dead letter that kept only its coordinates
     * ({@code privacy.dead-letter-value: drop}).
     */
    @FunctionalInterface
    public interface SourceReader {
        /** The record at {@code offset}; empty when it is no longer there (retention, compaction). */
        java.util.Optional<ConsumerRecord<byte[], byte[]>> read(String topic, int partition, long offset);
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    /** Re-reads inputs whose dead letters kept only coordinates; null when there is none (they are left alone). */
    private SourceReader sources;
    private final Deserializer<DeadLetter> deadLetters;
    private final Settings settings;
    private final ReplayReport report;
    private final LongSupplier nanoTime;
    private long read;
    private long replayed;
    private long skippedFilter;
    private long refused;
    private long unreadable;
    /** Replays sent in the open transaction, counted in {@link #replayed} once it commits. */
    private long pendingInBatch;

    /**
     * @param producer    a transactional producer ({@link #producerSettings}); null for a dry run
     * @param deadLetters reads the dead-letter topic's values (Avro through the registry)
     * @param nanoTime    the clock of the stall limit ({@code System::nanoTime})
     */
    public DeadLetterReplayer(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer,
                              Deserializer<DeadLetter> deadLetters, Settings settings, ReplayReport report,
                              LongSupplier nanoTime) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = producer;
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.report = Objects.requireNonNull(report, "report");
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** Set before {@link #run}: how inputs whose dead letters kept only their coordinates are read back. */
    public DeadLetterReplayer sources(SourceReader reader) {
        this.sources = Objects.requireNonNull(reader, "reader");
        return this;
    }

    /** The consumer's own settings (read_committed, no auto commit); {@code group} may be null. */
    public static Map<String, Object> consumerSettings(String group) {
        Map<String, Object> c = ClientSettings.committedReader("stream-enricher-replay-dlq");
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return c;
    }

    /** The producer's own settings: idempotent, {@code acks=all}, transactional with {@code transactionalId}. */
    public static Map<String, Object> producerSettings(String transactionalId) {
        Map<String, Object> p = ClientSettings.idempotentWriter("stream-enricher-replay-dlq");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(TimeUnit.SECONDS.toMillis(30)));
        return p;
    }

    /** The counts so far (final once {@link #run} has returned or thrown). */
    public ReplayCounts counts() {
        return new ReplayCounts(read, replayed, skippedFilter, refused, unreadable);
    }

    /**
     * Replays up to the end offsets taken at the start, or up to {@link Settings#max}.
     *
     * @throws TopicNotFoundException  when {@link Settings#from} does not exist
     * @throws SerdeException          (reason {@code REGISTRY_UNAVAILABLE}) when the registry cannot be asked; the open
     *                                 batch was rolled back
     * @throws ProducerFencedException when another producer with the same transactional id started
     * @throws RolledBack              when sending failed; the open batch was rolled back
     * @throws Stalled                 when nothing arrived for a minute before the end offsets were reached
     * @throws KafkaException          when Kafka fails otherwise
     */
    public ReplayCounts run() {
        Map<TopicPartition, Long> end = assignAll();
        Set<TopicPartition> remaining = new HashSet<>();
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                remaining.add(e.getKey());
            } else {
                consumer.pause(List.of(e.getKey()));
            }
        }
        if (producer != null) {
            producer.initTransactions();
        }
        long lastProgress = nanoTime.getAsLong();
        while (!remaining.isEmpty() && !maxReached()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            if (!records.isEmpty()) {
                replayBatch(records, end);
                lastProgress = nanoTime.getAsLong();
            }
            for (TopicPartition tp : new ArrayList<>(remaining)) {
                if (consumer.position(tp) >= end.get(tp)) {
                    remaining.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
            if (!remaining.isEmpty() && nanoTime.getAsLong() - lastProgress > STALL_LIMIT.toNanos()) {
                throw new Stalled("no records from " + settings.from() + " for " + STALL_LIMIT.toSeconds()
                        + " s before reaching the end offsets taken at start (" + end + "): is the broker healthy?");
            }
        }
        return counts();
    }

    /** Assigns every partition of the topic, seeks to where this run starts, and returns the end offsets. */
    private Map<TopicPartition, Long> assignAll() {
        List<PartitionInfo> infos = consumer.partitionsFor(settings.from(), Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new TopicNotFoundException(settings.from());
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        if (settings.group() != null) {
            consumer.committed(new HashSet<>(partitions)).forEach((tp, committed) -> {
                if (committed != null) {
                    consumer.seek(tp, committed.offset());
                }
            });
        }
        return consumer.endOffsets(partitions);
    }

    /** One poll's records in one transaction (none in a dry run), with the offsets when there is a group. */
    private void replayBatch(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> end) {
        if (producer != null) {
            producer.beginTransaction();
        }
        Map<TopicPartition, OffsetAndMetadata> consumed = new HashMap<>();
        pendingInBatch = 0;
        try {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                if (r.offset() >= end.get(tp)) {
                    continue; // written after the start: not this run's
                }
                if (maxReached()) {
                    break;
                }
                read++;
                handle(r);
                consumed.put(tp, new OffsetAndMetadata(r.offset() + 1));
            }
            if (producer != null) {
                if (settings.group() != null && !consumed.isEmpty()) {
                    producer.sendOffsetsToTransaction(consumed, new ConsumerGroupMetadata(settings.group()));
                }
                producer.commitTransaction();
                replayed += pendingInBatch;
                pendingInBatch = 0;
            }
        } catch (ProducerFencedException e) {
            throw e; // the transaction belongs to the run that fenced this one: nothing to abort
        } catch (SerdeException e) {
            abort();
            throw e;
        } catch (KafkaException e) {
            abort();
            throw new RolledBack(settings.to(), e);
        }
    }

    private boolean maxReached() {
        return settings.max() != null && replayed + pendingInBatch >= settings.max();
    }

    /** Counts one dead-letter record, and sends it in the open transaction or reports it (dry run). */
    private void handle(ConsumerRecord<byte[], byte[]> r) {
        String where = settings.from() + " partition " + r.partition() + " offset " + r.offset();
        DeadLetter dl;
        try {
            dl = deadLetters.deserialize(r.topic(), r.value());
        } catch (SerdeException e) {
            if (e.reason() == SerdeException.Reason.REGISTRY_UNAVAILABLE) {
                throw e; // not the record's fault: stop rather than call it unreadable
            }
            unreadable++;
            report.leftAlone(where, "not a readable dead letter, left alone: " + e.getMessage());
            return;
        }
        if (dl == null) {
            unreadable++;
            report.leftAlone(where, "a null value (tombstone), not a dead letter: left alone");
            return;
        }
        if (r.headers().lastHeader(dev.enricher.topology.RecordAssembler.HEADER_VALUE_DROPPED) != null) {
            dl = fromSource(dl, where);
            if (dl == null) {
                return;
            }
        }
        ReplayPlan.Decision d = settings.plan().decide(dl, Instant.ofEpochMilli(r.timestamp()));
        switch (d.outcome()) {
            case SKIP_FILTER -> skippedFilter++;
            case REFUSE_MAX_REPLAYS -> {
                refused++;
                report.leftAlone(where, "refused: " + d.why());
            }
            case REPLAY -> replay(r, dl, d);
        }
    }

    /**
     * The dead letter with its input's key, value and headers read back from its source coordinates (it kept only
     * those, under {@code privacy.dead-letter-value: drop}); null, after reporting why, when they cannot be read.
     */
    private DeadLetter fromSource(DeadLetter dl, String where) {
        String source = dl.getSourceTopic() + "-" + dl.getSourcePartition() + "@" + dl.getSourceOffset();
        if (sources == null) {
            unreadable++;
            report.leftAlone(where, "its value was dropped (privacy.dead-letter-value: drop) and no reader of the "
                    + "source topic is set: re-read " + source);
            return null;
        }
        java.util.Optional<ConsumerRecord<byte[], byte[]>> in = sources.read(dl.getSourceTopic(),
                dl.getSourcePartition(), dl.getSourceOffset());
        if (in.isEmpty()) {
            unreadable++;
            report.leftAlone(where, "its value was dropped (privacy.dead-letter-value: drop) and the input " + source
                    + " is no longer in its topic (retention or compaction removed it)");
            return null;
        }
        List<dev.enricher.avro.Header> headers = new ArrayList<>();
        for (org.apache.kafka.common.header.Header h : in.get().headers()) {
            headers.add(new dev.enricher.avro.Header(h.key(), h.value() == null ? null
                    : java.nio.ByteBuffer.wrap(h.value())));
        }
        byte[] key = in.get().key();
        byte[] value = in.get().value();
        return DeadLetter.newBuilder(dl).setKey(key == null ? null : java.nio.ByteBuffer.wrap(key))
                .setValue(value == null ? null : java.nio.ByteBuffer.wrap(value)).setHeaders(headers).build();
    }

    private void replay(ConsumerRecord<byte[], byte[]> r, DeadLetter dl, ReplayPlan.Decision d) {
        if (producer == null) {
            replayed++;
            report.wouldReplay(dryRunLine(r, dl, d));
            return;
        }
        producer.send(new ProducerRecord<>(settings.to(), null, null, JsonRendering.bytes(dl.getKey()),
                JsonRendering.bytes(dl.getValue()), d.headers()));
        pendingInBatch++;
    }

    private String dryRunLine(ConsumerRecord<byte[], byte[]> r, DeadLetter dl, ReplayPlan.Decision d) {
        ObjectNode o = JsonRendering.MAPPER.createObjectNode();
        o.put("dlq_partition", r.partition());
        o.put("dlq_offset", r.offset());
        o.put("to", settings.to());
        o.put("category", dl.getCategory().name());
        o.put("reason", dl.getReason());
        o.put("dead_lettered_at", dl.getDeadLetteredAt() == null ? null : dl.getDeadLetteredAt().toString());
        o.put("source", dl.getSourceTopic() + "/" + dl.getSourcePartition() + "@" + dl.getSourceOffset());
        o.put("replay_count", d.replayCount());
        JsonRendering.putBytes(o, "key", JsonRendering.bytes(dl.getKey()));
        JsonRendering.putBytes(o, "value", JsonRendering.bytes(dl.getValue()));
        return o.toString();
    }

    private void abort() {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            // fatal state: closing the producer aborts, and the broker times the transaction out
        }
    }
}
