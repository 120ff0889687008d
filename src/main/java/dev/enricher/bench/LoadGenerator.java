package dev.enricher.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces JSON events {@code {"id": "...", "text": "..."}} to the input topic, closed loop as {@code bench client}
 * is: at most {@code window} events are unfinished (produced, and not yet finished by the consumer of the topic, as
 * {@code finished} counts them), so a new event goes out when one finishes. The pipeline always has work waiting,
 * yet no backlog builds up whose queueing time would swamp the latency figures.
 *
 * <p>Keys: {@code keys} distinct ones, drawn at random per event (seeded). Texts: {@link BenchTexts}, with a share of
 * them repeating an earlier event's text when asked ({@code bench pipeline --duplicates}); keys do not depend on it.
 * Each record's timestamp is the wall-clock time of its send, the start of its end-to-end latency.
 *
 * <p>Open loop ({@link #produceOpenLoop}, {@code bench pipeline --open-loop}): events go out at the times of an
 * {@link OpenLoopSchedule} (Poisson arrivals), whatever the pipeline does, each with its scheduled arrival time as
 * its timestamp.
 *
 * <p>Threads: {@link #produce}, {@link #produceOpenLoop} and {@link #produceAll} on one thread at a time.
 */
final class LoadGenerator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int keys;
    private final long seed;
    private final BenchTexts texts;
    private final int window;
    private final LongSupplier finished;
    private long produced;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    /**
     * @param window   most events produced and not yet finished
     * @param finished how many events the consumer of {@code topic} has finished so far (any thread may be asked)
     */
    LoadGenerator(String bootstrap, String topic, int keys, int window, LongSupplier finished, long seed) {
        this(bootstrap, topic, keys, window, finished, seed, 0);
    }

    /**
     * @param duplicates the share of events that repeat an earlier event's text ({@link BenchTexts}), 0 to 1
     */
    LoadGenerator(String bootstrap, String topic, int keys, int window, LongSupplier finished, long seed,
                  double duplicates) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-load-generator");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.keys = keys;
        this.seed = seed;
        this.texts = new BenchTexts(seed, duplicates);
        this.window = window;
        this.finished = finished;
    }

    /**
     * Produces events {@code first .. first + count - 1} with ids {@code idPrefix + index}, each once fewer than
     * {@code window} are unfinished. Gives up when no output has been read for {@code stall} (per
     * {@code lastProgressNanos}) while waiting.
     *
     * @return how many were produced (less than {@code count} only after a stall)
     * @throws IllegalStateException when a send failed
     */
    int produce(String idPrefix, long first, int count, LongSupplier lastProgressNanos, Duration stall)
            throws InterruptedException {
        for (int i = 0; i < count; i++) {
            while (produced - finished.getAsLong() >= window) {
                checkSends();
                if (System.nanoTime() - lastProgressNanos.getAsLong() > stall.toNanos()) {
                    producer.flush();
                    return i;
                }
                // The finished count has no callback to wait on; a 0.2 ms poll delays a send by far less than
                // the latencies measured.
                LockSupport.parkNanos(200_000);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            produced++;
            long index = first + i;
            ObjectNode value = JSON.createObjectNode();
            value.put("id", idPrefix + index);
            value.put("text", texts.text(index));
            String key = "user-" + new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L)).nextInt(keys);
            producer.send(new ProducerRecord<>(topic, null, System.currentTimeMillis(), key, json(value)),
                    (metadata, error) -> {
                        if (error != null) {
                            sendFailure.compareAndSet(null, error);
                        }
                    });
        }
        producer.flush();
        checkSends();
        return count;
    }

    /**
     * Open loop: produces events {@code first .. first + unmeasured + measured - 1} at the arrival times of
     * {@code schedule}, never waiting for an output: ids {@code unmeasuredPrefix + index} for the first
     * {@code unmeasured}, then {@code measuredPrefix + index}. Each record's timestamp is its scheduled arrival time
     * (the wall clock when the schedule began plus the arrival's offset), not the moment of its send: an event the
     * generator or the producer handed over late counts that delay in its latency, so a slow pipeline that holds up
     * the sender cannot hide its queueing (no coordinated omission). The schedule keeps how late the sends were.
     *
     * @param startMillis the wall clock ({@link System#currentTimeMillis}) at {@code schedule}'s start
     * @return the {@link System#nanoTime} of the first and of the last send of the measured events
     * @throws IllegalStateException when a send failed
     */
    long[] produceOpenLoop(OpenLoopSchedule schedule, long startMillis, long first, int unmeasured,
                           String unmeasuredPrefix, int measured, String measuredPrefix) throws InterruptedException {
        long firstMeasuredSend = 0;
        long lastSend = 0;
        for (int i = 0; i < unmeasured + measured; i++) {
            long offsetNanos = schedule.awaitNext();
            checkSends();
            long index = first + i;
            String prefix = i < unmeasured ? unmeasuredPrefix : measuredPrefix;
            long timestamp = startMillis + Math.round(offsetNanos / 1e6);
            send(topic, prefix + index, index, timestamp);
            produced++;
            lastSend = System.nanoTime();
            if (i == unmeasured) {
                firstMeasuredSend = lastSend;
            }
        }
        producer.flush();
        checkSends();
        return new long[] {firstMeasuredSend, lastSend};
    }

    /** Sends event {@code index} with the given id and record timestamp (epoch ms). */
    private void send(String topic, String id, long index, long timestamp) {
        ObjectNode value = JSON.createObjectNode();
        value.put("id", id);
        value.put("text", texts.text(index));
        String key = "user-" + new SplittableRandom(seed ^ (index * 0x9E3779B97F4A7C15L)).nextInt(keys);
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, json(value)), (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
            }
        });
    }

    /** Events produced so far by {@link #produce} and {@link #produceOpenLoop}: the index of the next one when a sequence starts at 0. */
    long produced() {
        return produced;
    }

    /** Produces {@code count} events at once, no window (for the naive app, which is far slower than any window). */
    void produceAll(String topic, String idPrefix, int count) {
        for (int i = 0; i < count; i++) {
            ObjectNode value = JSON.createObjectNode();
            value.put("id", idPrefix + i);
            value.put("text", texts.text(i));
            String key = "user-" + new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L)).nextInt(keys);
            producer.send(new ProducerRecord<>(topic, key, json(value)), (metadata, error) -> {
                if (error != null) {
                    sendFailure.compareAndSet(null, error);
                }
            });
        }
        producer.flush();
        checkSends();
    }

    private static String json(ObjectNode value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event as JSON", e);
        }
    }

    private void checkSends() {
        Exception e = sendFailure.get();
        if (e != null) {
            throw new IllegalStateException("producing to " + topic + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
