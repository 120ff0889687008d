package dev.enricher.results;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the call-results topic into the instance's {@link CallResults}: from its beginning at start, then following
 * it, on a thread of its own with a consumer of its own (assigned every partition, no group, {@code read_committed}
 * under exactly-once so only committed answers are served). {@link #awaitLoaded} returns once it has read up to the
 * end offsets the topic had when it started, which the service waits for before processing: a restarted instance
 * then finds every answer committed before it stopped.
 *
 * <p>A record it cannot read (a damaged value, a schema of a newer version) is skipped with a warning: a missing
 * answer only costs a call. Thread-safe: {@link #start}, {@link #awaitLoaded} and {@link #close} from any thread.
 */
public final class CallResultReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CallResultReader.class);

    private final Map<String, Object> consumerConfigs;
    private final String topic;
    private final CallResults into;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final Thread thread;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;
    private volatile Throwable failure;

    /**
     * @param consumerConfigs the client settings (bootstrap servers, security, isolation level); deserializers, offset
     *                        reset and auto-commit are set here
     */
    public CallResultReader(Map<String, Object> consumerConfigs, String topic, CallResults into) {
        Map<String, Object> c = new HashMap<>(consumerConfigs);
        c.remove(ConsumerConfig.GROUP_ID_CONFIG);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumerConfigs = c;
        this.topic = topic;
        this.into = into;
        this.thread = new Thread(this::run, "enricher-call-results");
        thread.setDaemon(true);
    }

    /** Starts reading. Once. */
    public void start() {
        thread.start();
    }

    /**
     * Waits until the topic has been read to the end offsets it had at start.
     *
     * @throws IllegalStateException when reading failed or took longer than {@code timeout}; the message says which
     */
    public void awaitLoaded(Duration timeout) throws InterruptedException {
        if (!loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the call results of topic '" + topic + "' were not read within "
                    + timeout + " (" + read.get() + " read so far); raise cache.load-timeout, or set cache.enabled: "
                    + "false to start without them");
        }
        Throwable f = failure;
        if (f != null) {
            throw new IllegalStateException("cannot read the call results of topic '" + topic + "': " + f, f);
        }
    }

    /** Answers read from the topic so far. */
    public long recordsRead() {
        return read.get();
    }

    private void run() {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfigs)) {
            consumer = c;
            if (closed) {
                return;
            }
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofMinutes(1));
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofMinutes(1));
            long started = System.nanoTime();
            checkLoaded(c, end, started);
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    keep(r);
                }
                if (loaded.getCount() > 0) {
                    checkLoaded(c, end, started);
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll: done.
        } catch (RuntimeException e) {
            if (!closed) {
                failure = e;
                LOG.error("Reading the call-results topic '{}' failed; answers recorded from now on by other instances "
                        + "are not served here until a restart (calls are made instead): {}", topic, e.toString());
            }
        } finally {
            loaded.countDown();
        }
    }

    private void checkLoaded(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end, long started) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return;
            }
        }
        LOG.info("Read {} call results from '{}' in {} ms", read.get(), topic,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        loaded.countDown();
    }

    private void keep(ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null || r.value() == null) {
            return; // a tombstone: nothing to serve
        }
        try {
            into.put(CallKey.fromBytes(r.key()), Answer.decode(r.value()));
            read.incrementAndGet();
        } catch (IllegalArgumentException e) {
            if (unreadable.incrementAndGet() <= 10) {
                LOG.warn("Skipped call result at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            }
        }
    }

    /** Stops reading and waits for the thread (up to 10 s). Idempotent. */
    @Override
    public void close() {
        closed = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread.isAlive()) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
