package dev.enricher.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.avro.DeadLetter;
import dev.enricher.testing.Sent.Hdr;
import dev.enricher.testing.Sent.SourceRef;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the enriched and dead-letter topics from the beginning with {@code isolation.level=read_committed} on a
 * thread of its own, and indexes every output by the input it came from (source partition and offset), so a test
 * can count what was lost and what was duplicated, and check per-key order. Made by {@link PipelineFixture#reader},
 * which closes it after the test.
 *
 * <p>Threads: the queries and assertions may be called from any thread while the reader thread keeps reading; each
 * sees what was read so far. With {@code keepValues} false only the index is kept (no decoded values, no headers),
 * for tests that watch the heap.
 */
public final class OutputReader implements AutoCloseable {
    /** Which output topic a record came from. */
    public enum Kind { ENRICHED, DEAD_LETTER }

    /**
     * One output record.
     *
     * @param kind       which topic it came from
     * @param key        its key as a string; null when none
     * @param partition  output partition
     * @param offset     output offset
     * @param timestamp  output timestamp
     * @param headers    output headers; empty when values are not kept
     * @param sourceTopic the input topic the output names
     * @param source     the input partition and offset the output names
     * @param enriched   the decoded value when kind is ENRICHED and values are kept: the envelope generic, the
     *                   built-in results as their generated classes ({@link dev.enricher.topology.EnrichedRecords})
     * @param deadLetter the decoded value when kind is DEAD_LETTER and values are kept
     */
    public record Output(Kind kind, String key, int partition, long offset, long timestamp, List<Hdr> headers,
                         String sourceTopic, SourceRef source, GenericRecord enriched, DeadLetter deadLetter) {
        /** The value of the first header named {@code name}; null when there is none. */
        public String header(String name) {
            for (Hdr h : headers) {
                if (h.key().equals(name)) {
                    return h.value();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return kind + "[key=" + key + ", source=" + source + ", out=" + partition + "@" + offset + "]";
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String enrichedTopic;
    private final String deadLetterTopic;
    private final Deserializer<GenericRecord> enrichedValues;
    private final Deserializer<DeadLetter> deadLetterValues;
    private final boolean keepValues;
    private final String secret;
    private final Thread thread;
    private volatile boolean running = true;

    private final Map<SourceRef, List<Output>> bySource = new ConcurrentHashMap<>();
    /** Outputs in the order read, per output topic and partition (one reader thread: that order is the log's). */
    private final Map<String, List<Output>> byTopicPartition = new ConcurrentHashMap<>();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger enrichedCount = new AtomicInteger();
    private final AtomicInteger deadLetterCount = new AtomicInteger();

    OutputReader(String bootstrapServers, String enrichedTopic, String deadLetterTopic,
                 Deserializer<GenericRecord> enrichedValues, Deserializer<DeadLetter> deadLetterValues,
                 boolean keepValues, String secret) {
        this.enrichedTopic = enrichedTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.enrichedValues = enrichedValues;
        this.deadLetterValues = deadLetterValues;
        this.keepValues = keepValues;
        this.secret = secret;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "it-output-reader-" + enrichedTopic);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(enrichedTopic, deadLetterTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread = new Thread(this::run, "it-output-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    accept(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            problems.add("reader stopped: " + e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void accept(ConsumerRecord<byte[], byte[]> r) {
        Kind kind = r.topic().equals(enrichedTopic) ? Kind.ENRICHED : Kind.DEAD_LETTER;
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        List<Hdr> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(Hdr.of(h));
        }
        String where = kind + " " + r.partition() + "@" + r.offset();
        GenericRecord enriched = null;
        DeadLetter deadLetter = null;
        String sourceTopic;
        SourceRef source;
        try {
            if (kind == Kind.ENRICHED) {
                enriched = enrichedValues.deserialize(r.topic(), r.value());
                sourceTopic = enriched.get("source_topic").toString();
                source = new SourceRef((Integer) enriched.get("source_partition"), (Long) enriched.get("source_offset"));
                if (secret != null && enriched.toString().contains(secret)) {
                    problems.add("API key found in " + where);
                }
            } else {
                deadLetter = deadLetterValues.deserialize(r.topic(), r.value());
                sourceTopic = deadLetter.getSourceTopic();
                source = new SourceRef(deadLetter.getSourcePartition(), deadLetter.getSourceOffset());
                if (secret != null && deadLetter.toString().contains(secret)) {
                    problems.add("API key found in " + where);
                }
            }
        } catch (RuntimeException e) {
            problems.add("cannot read " + where + ": " + e);
            return;
        }
        if (secret != null && headers.stream().anyMatch(h -> h.value() != null && h.value().contains(secret))) {
            problems.add("API key found in a header of " + where);
        }
        Output out = new Output(kind, key, r.partition(), r.offset(), r.timestamp(), keepValues ? headers : List.of(),
                sourceTopic, source, keepValues ? enriched : null, keepValues ? deadLetter : null);
        bySource.computeIfAbsent(source, s -> Collections.synchronizedList(new ArrayList<>(1))).add(out);
        byTopicPartition.computeIfAbsent(kind + "-" + r.partition(), s -> Collections.synchronizedList(new ArrayList<>()))
                .add(out);
        count.incrementAndGet();
        (kind == Kind.ENRICHED ? enrichedCount : deadLetterCount).incrementAndGet();
    }

    /** Outputs read so far, both topics. */
    public int count() {
        return count.get();
    }

    /** Enriched records read so far. */
    public int enrichedCount() {
        return enrichedCount.get();
    }

    /** Dead letters read so far. */
    public int deadLetterCount() {
        return deadLetterCount.get();
    }

    /** Records that could not be read, or that held the API key. */
    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    /** The outputs read so far that name {@code s} as their source; empty when none. */
    public List<Output> outputsOf(Sent s) {
        List<Output> l = bySource.get(s.ref());
        if (l == null) {
            return List.of();
        }
        synchronized (l) {
            return List.copyOf(l);
        }
    }

    /** The one output of {@code s}; fails when it has none or several. */
    public Output only(Sent s) {
        List<Output> l = outputsOf(s);
        assertThat(l).as("outputs of %s", s).hasSize(1);
        return l.get(0);
    }

    /** Every output read, in no particular order across partitions. */
    public List<Output> all() {
        List<Output> all = new ArrayList<>();
        for (List<Output> l : byTopicPartition.values()) {
            synchronized (l) {
                all.addAll(l);
            }
        }
        return all;
    }

    /** How many of {@code sent} have at least one output. */
    public long covered(Collection<Sent> sent) {
        return sent.stream().filter(s -> bySource.containsKey(s.ref())).count();
    }

    /** Waits until every one of {@code sent} has at least one output. */
    public void awaitAll(Collection<Sent> sent, Duration atMost) {
        await("outputs for all of " + sent.size() + " inputs").atMost(atMost).pollInterval(Duration.ofMillis(100))
                .until(() -> covered(sent) == sent.size());
    }

    /** Waits until at least {@code n} outputs were read. */
    public void awaitCount(int n, Duration atMost) {
        await("at least " + n + " outputs").atMost(atMost).pollInterval(Duration.ofMillis(50))
                .until(() -> count() >= n);
    }

    /**
     * Exactly one output (enriched or dead letter) per input, none for anything else, every output read
     * without problems, and each carries its input's key and topic.
     */
    public void assertExactlyOnce(Collection<Sent> sent, String inputTopic) {
        assertThat(problems()).as("unreadable outputs or leaked key").isEmpty();
        Map<SourceRef, Sent> expected = index(sent);
        List<SourceRef> lost = new ArrayList<>();
        Map<SourceRef, Integer> duplicated = new LinkedHashMap<>();
        for (Sent s : sent) {
            int n = outputsOf(s).size();
            if (n == 0) {
                lost.add(s.ref());
            } else if (n > 1) {
                duplicated.put(s.ref(), n);
            }
        }
        List<SourceRef> unknown = bySource.keySet().stream().filter(r -> !expected.containsKey(r)).toList();
        assertThat(lost).as("inputs with no output (lost), of %d", sent.size()).isEmpty();
        assertThat(duplicated).as("inputs with more than one output (duplicated), of %d", sent.size()).isEmpty();
        assertThat(unknown).as("outputs of inputs this test did not send").isEmpty();
        assertThat(count()).isEqualTo(sent.size());
        assertKeysAndTopic(expected, inputTopic);
    }

    /** At least one output per input (duplicates allowed), none for anything else. */
    public void assertAtLeastOnce(Collection<Sent> sent, String inputTopic) {
        assertThat(problems()).as("unreadable outputs or leaked key").isEmpty();
        Map<SourceRef, Sent> expected = index(sent);
        List<SourceRef> lost = sent.stream().filter(s -> outputsOf(s).isEmpty()).map(Sent::ref).toList();
        assertThat(lost).as("inputs with no output (lost), of %d", sent.size()).isEmpty();
        assertThat(bySource.keySet().stream().filter(r -> !expected.containsKey(r)).toList())
                .as("outputs of inputs this test did not send").isEmpty();
        assertKeysAndTopic(expected, inputTopic);
    }

    private void assertKeysAndTopic(Map<SourceRef, Sent> expected, String inputTopic) {
        for (Output o : all()) {
            Sent s = expected.get(o.source());
            assertThat(o.key()).as("key of %s", o).isEqualTo(s.key());
            assertThat(o.sourceTopic()).as("source topic of %s", o).isEqualTo(inputTopic);
        }
    }

    /**
     * Per output topic partition, each key's outputs appear in input order (strictly increasing source offsets).
     * Only meaningful without duplicates.
     */
    public void assertKeyOrderWithinEachTopic() {
        for (Map.Entry<String, List<Output>> e : byTopicPartition.entrySet()) {
            List<Output> outs;
            synchronized (e.getValue()) {
                outs = List.copyOf(e.getValue());
            }
            Map<String, Long> last = new HashMap<>();
            for (Output o : outs) {
                if (o.key() == null) {
                    continue;
                }
                Long prev = last.put(o.key(), o.source().offset());
                if (prev != null) {
                    assertThat(o.source().offset()).as("%s of key %s after source offset %d in %s", o, o.key(), prev,
                            e.getKey()).isGreaterThan(prev);
                }
            }
        }
    }

    /** Outputs grouped by key, each list sorted by source offset. */
    public Map<String, List<Output>> byKeyInInputOrder() {
        return all().stream().filter(o -> o.key() != null).collect(Collectors.groupingBy(Output::key,
                Collectors.collectingAndThen(Collectors.toList(), l -> {
                    l.sort(Comparator.comparingLong(o -> o.source().offset()));
                    return l;
                })));
    }

    private static Map<SourceRef, Sent> index(Collection<Sent> sent) {
        Map<SourceRef, Sent> m = new HashMap<>();
        for (Sent s : sent) {
            m.put(s.ref(), s);
        }
        return m;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
