package dev.enricher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.serde.SerdeException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher replay-dlq}: re-publishes dead letters' original records to a topic.
 *
 * <p>Why manual assignment: the command reads a bounded range (from the start, or the group's committed offsets,
 * up to the end offsets captured when it starts), so it must see every partition at once and know where each
 * ends; a subscription would wait for a rebalance, could get only some partitions while another member holds the
 * rest, and would make "the end" a moving target. With {@code --group} the group id is used only to read and
 * commit offsets (inside the producer's transaction), not to join a group.
 *
 * <p>Why transactions: the replayed records of one poll (and with {@code --group} the consumed offsets) are
 * committed together, so a crash or Ctrl-C replays a batch completely or not at all (the open transaction is
 * aborted by the broker, or fenced by the next run with the same transactional id).
 */
@Command(name = "replay-dlq", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Re-publishes dead letters' original records to a topic, counting replays.",
            "",
            "Reads the dead-letter topic (Avro DeadLetter records, through "
                    + "--registry-url) from the beginning up to its end when the command starts, and sends each "
                    + "selected dead letter's ORIGINAL key, value and headers, byte for byte, to --to, with the "
                    + "header enricher.replay-count set to the number of times it has been replayed (1 the first "
                    + "time). A dead letter that would exceed --max-replays is refused and reported: a record that "
                    + "keeps failing cannot loop forever.",
            "",
            "Filters: --category (case-insensitive, comma-separated or repeated), --since (an ISO-8601 instant such "
                    + "as 2026-11-25T10:00:00Z, or a duration back from now such as 1h; compared with "
                    + "dead_lettered_at, or the dead-letter record's timestamp when that is missing), --max N "
                    + "replays at most. --dry-run prints the dead letters that would be replayed, one JSON document "
                    + "per line, and sends nothing.",
            "",
            "Offsets: nothing is committed unless --group G is given; then reading starts at G's committed offsets "
                    + "and the offsets of what was read are committed in the same transaction as the replayed "
                    + "records (so a second run with the same group replays only newer dead letters).",
            "",
            "The last line on stdout is 'replay-dlq: read=N replayed=R skipped_filter=S refused_max_replays=X "
                    + "dry_run=true|false unreadable=U' (with --dry-run, replayed counts what would be replayed).",
            "",
            "Example: stream-enricher replay-dlq --bootstrap-servers 127.0.0.1:9092 --registry-url "
                    + "http://127.0.0.1:8081 --from enricher-dlq --to raw-messages --category api_retries_exhausted "
                    + "--since 2h --dry-run"},
        footer = {"", "Exit codes: 0 done, 1 Kafka or the registry failed or some dead letters could not be read "
                + "(the message says which), 2 a bad option."})
final class ReplayDlqCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(200);
    /** Giving up when the end offsets are not reached and nothing arrives for this long. */
    static final Duration STALL_LIMIT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--from", required = true, paramLabel = "DLQ_TOPIC", description = "The dead-letter topic to read.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TOPIC",
            description = "Where the original records go, usually the service's input topic.")
    String to;

    @Option(names = "--category", split = ",", paramLabel = "CATEGORY",
            description = "Replay only these categories (case-insensitive): ${COMPLETION-CANDIDATES}.")
    List<DeadLetterCategory> categories = new ArrayList<>();

    @Option(names = "--since", paramLabel = "TIME", converter = Since.Converter.class,
            description = "Replay only dead letters written at or after TIME: an ISO-8601 instant "
                    + "(2026-11-25T10:00:00Z) or a duration back from now (30m, 1h, 2d).")
    Since since;

    @Option(names = "--max", paramLabel = "N", description = "Replay at most N dead letters, then stop.")
    Long max;

    @Option(names = "--dry-run", description = "Print what would be replayed; send and commit nothing.")
    boolean dryRun;

    @Option(names = "--max-replays", defaultValue = "3", paramLabel = "M",
            description = "Refuse a dead letter already replayed M times (default: ${DEFAULT-VALUE}).")
    int maxReplays;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Start at this consumer group's committed offsets and commit what was read (default: "
                    + "start at the beginning, commit nothing).")
    String group;

    @Option(names = "--transactional-id", paramLabel = "ID",
            description = "Transactional id of the producer (default: stream-enricher-replay-dlq-<from>-<to>; two runs "
                    + "with the same id fence each other).")
    String transactionalId;

    /** Set by tests instead of --registry-url; null in production. */
    SchemaRegistry registry;

    /** For --since durations; tests may set another. */
    Clock clock = Clock.systemUTC();

    private long read;
    private long replayed;
    private long skippedFilter;
    private long refused;
    private long unreadable;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReplayPlan plan = validate();
        SchemaRegistry reg = registry != null ? registry : registryOptions.open(spec);
        AvroDeserializer<DeadLetter> deadLetters = AvroDeserializer.specific(DeadLetter.class, reg);
        int code;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.clientConfig(consumerConfig()));
             KafkaProducer<byte[], byte[]> producer = dryRun ? null
                     : new KafkaProducer<>(kafka.clientConfig(producerConfig()))) {
            code = run(consumer, producer, plan, deadLetters, out, err);
        } catch (KafkaException e) {
            err.println("replay-dlq: Kafka failed: " + e.getMessage() + " (check --bootstrap-servers and "
                    + "--client-property)");
            code = 1;
        }
        out.printf("replay-dlq: read=%d replayed=%d skipped_filter=%d refused_max_replays=%d dry_run=%s unreadable=%d%n",
                read, replayed, skippedFilter, refused, dryRun, unreadable);
        out.flush();
        err.flush();
        return code != 0 ? code : unreadable > 0 ? 1 : 0;
    }

    private ReplayPlan validate() {
        if (from.equals(to)) {
            throw new ParameterException(spec.commandLine(), "--to " + to + " is the dead-letter topic itself: "
                    + "give the topic the records should be replayed to (usually the service's input topic)");
        }
        if (max != null && max < 1) {
            throw new ParameterException(spec.commandLine(), "--max " + max + " must be at least 1");
        }
        if (maxReplays < 1) {
            throw new ParameterException(spec.commandLine(), "--max-replays " + maxReplays + " must be at least 1");
        }
        if (group != null && group.isBlank()) {
            throw new ParameterException(spec.commandLine(), "--group is blank: give a group id or leave it out");
        }
        if (registry == null && registryOptions.url == null) {
            throw new ParameterException(spec.commandLine(), "--registry-url is required: dead letters are Avro "
                    + "records whose schema the registry holds (e.g. --registry-url http://127.0.0.1:8081)");
        }
        Set<DeadLetterCategory> selected = categories.isEmpty() ? Set.of() : EnumSet.copyOf(categories);
        return new ReplayPlan(selected, since == null ? null : since.cutoff(clock.instant()), maxReplays);
    }

    private int run(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer, ReplayPlan plan,
                    AvroDeserializer<DeadLetter> deadLetters, PrintWriter out, PrintWriter err) {
        List<PartitionInfo> infos = consumer.partitionsFor(from, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            err.println("replay-dlq: topic " + from + " does not exist on " + kafka.bootstrapServers
                    + ": check --from and --bootstrap-servers");
            return 1;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        if (group != null) {
            consumer.committed(new HashSet<>(partitions)).forEach((tp, committed) -> {
                if (committed != null) {
                    consumer.seek(tp, committed.offset());
                }
            });
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Set<TopicPartition> remaining = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (consumer.position(tp) < end.get(tp)) {
                remaining.add(tp);
            } else {
                consumer.pause(List.of(tp));
            }
        }
        if (producer != null) {
            producer.initTransactions();
        }
        long lastProgress = System.nanoTime();
        while (!remaining.isEmpty() && !maxReached()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
            // A transaction per non-empty poll: an empty one would only cost a round trip to the coordinator.
            boolean inTransaction = producer != null && !records.isEmpty();
            if (inTransaction) {
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
                    handle(r, plan, deadLetters, producer, out, err);
                    consumed.put(tp, new OffsetAndMetadata(r.offset() + 1));
                }
                if (inTransaction) {
                    if (group != null && !consumed.isEmpty()) {
                        producer.sendOffsetsToTransaction(consumed, new ConsumerGroupMetadata(group));
                    }
                    producer.commitTransaction();
                    replayed += pendingInBatch;
                    pendingInBatch = 0;
                }
            } catch (RegistryUnavailable e) {
                abort(producer);
                err.println("replay-dlq: " + e.getMessage());
                return 1;
            } catch (ProducerFencedException e) {
                err.println("replay-dlq: another replay-dlq with transactional id " + transactionalId()
                        + " started and fenced this one: let one run at a time, or give --transactional-id");
                return 1;
            } catch (KafkaException e) {
                abort(producer);
                err.println("replay-dlq: sending to " + to + " failed, the batch was rolled back: " + e.getMessage());
                return 1;
            }
            if (!records.isEmpty()) {
                lastProgress = System.nanoTime();
            }
            for (TopicPartition tp : new ArrayList<>(remaining)) {
                if (consumer.position(tp) >= end.get(tp)) {
                    remaining.remove(tp);
                    consumer.pause(List.of(tp));
                }
            }
            if (!remaining.isEmpty() && System.nanoTime() - lastProgress > STALL_LIMIT.toNanos()) {
                err.println("replay-dlq: no records from " + from + " for " + STALL_LIMIT.toSeconds() + " s before "
                        + "reaching the end offsets taken at start (" + end + "): is the broker healthy?");
                return 1;
            }
        }
        return 0;
    }

    private boolean maxReached() {
        return max != null && replayed + pendingInBatch >= max;
    }

    /** Replays sent in the open transaction, counted in {@link #replayed} once it commits. */
    private long pendingInBatch;

    /** Handles one dead-letter record: counts it, and sends it in the open transaction or prints it (dry run). */
    private void handle(ConsumerRecord<byte[], byte[]> r, ReplayPlan plan, AvroDeserializer<DeadLetter> deadLetters,
                        KafkaProducer<byte[], byte[]> producer, PrintWriter out, PrintWriter err) {
        String where = from + " partition " + r.partition() + " offset " + r.offset();
        DeadLetter dl;
        try {
            dl = deadLetters.deserialize(r.topic(), r.value());
        } catch (SerdeException e) {
            if (e.reason() == SerdeException.Reason.REGISTRY_UNAVAILABLE) {
                throw new RegistryUnavailable(e.getMessage() + " (check --registry-url)", e);
            }
            unreadable++;
            err.println("replay-dlq: " + where + ": not a readable dead letter, left alone: " + e.getMessage());
            return;
        }
        if (dl == null) {
            unreadable++;
            err.println("replay-dlq: " + where + ": a null value (tombstone), not a dead letter: left alone");
            return;
        }
        ReplayPlan.Decision d = plan.decide(dl, Instant.ofEpochMilli(r.timestamp()));
        switch (d.outcome()) {
            case SKIP_FILTER:
                skippedFilter++;
                return;
            case REFUSE_MAX_REPLAYS:
                refused++;
                err.println("replay-dlq: " + where + ": refused: " + d.why());
                return;
            default:
                break;
        }
        if (producer == null) {
            replayed++;
            out.println(dryRunLine(r, dl, d));
            return;
        }
        producer.send(new ProducerRecord<>(to, null, null, JsonRendering.bytes(dl.getKey()),
                JsonRendering.bytes(dl.getValue()), d.headers()));
        pendingInBatch++;
    }

    private String dryRunLine(ConsumerRecord<byte[], byte[]> r, DeadLetter dl, ReplayPlan.Decision d) {
        ObjectNode o = JsonRendering.MAPPER.createObjectNode();
        o.put("dlq_partition", r.partition());
        o.put("dlq_offset", r.offset());
        o.put("to", to);
        o.put("category", dl.getCategory().name());
        o.put("reason", dl.getReason());
        o.put("dead_lettered_at", dl.getDeadLetteredAt() == null ? null : dl.getDeadLetteredAt().toString());
        o.put("source", dl.getSourceTopic() + "/" + dl.getSourcePartition() + "@" + dl.getSourceOffset());
        o.put("replay_count", d.replayCount());
        JsonRendering.putBytes(o, "key", JsonRendering.bytes(dl.getKey()));
        JsonRendering.putBytes(o, "value", JsonRendering.bytes(dl.getValue()));
        return o.toString();
    }

    private static void abort(KafkaProducer<byte[], byte[]> producer) {
        if (producer == null) {
            return;
        }
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            // fatal state: closing the producer aborts, and the broker times the transaction out
        }
    }

    private String transactionalId() {
        return transactionalId != null ? transactionalId : "stream-enricher-replay-dlq-" + from + "-" + to;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>(Map.of(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                // The service writes dead letters in transactions: never replay an aborted one.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "stream-enricher-replay-dlq"));
        if (group != null) {
            c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return c;
    }

    private Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(),
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(TimeUnit.SECONDS.toMillis(30)),
                ProducerConfig.CLIENT_ID_CONFIG, "stream-enricher-replay-dlq");
    }

    /** The registry could not be asked for a schema. */
    private static final class RegistryUnavailable extends RuntimeException {
        RegistryUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
