package dev.enricher.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces JSON events {@code {"id": "...", "text": "..."}} to the input topic, closed loop: at most {@code window}
 * events are outstanding (produced, and no output read yet for them); each first output read gives a slot back
 * through {@link #outputRead}. So the pipeline always has work waiting, yet no backlog builds up whose queueing
 * time would swamp the latency figures.
 *
 * <p>Keys: {@code keys} distinct ones, drawn at random per event (seeded). Texts: {@link BenchTexts}.
 * Each record's timestamp is the wall-clock time of its send, the start of its end-to-end latency.
 *
 * <p>Threads: {@link #produce} on one thread at a time; {@link #outputRead} from any thread.
 */
final class LoadGenerator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, String> producer;
    private final String topic;
    private final int keys;
    private final long seed;
    private final BenchTexts texts;
    private final Semaphore window;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

    LoadGenerator(String bootstrap, String topic, int keys, int window, long seed) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "bench-load-generator");
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        this.topic = topic;
        this.keys = keys;
        this.seed = seed;
        this.texts = new BenchTexts(seed);
        this.window = new Semaphore(window);
    }

    /** A first output of some input was read: one more event may be outstanding. */
    void outputRead() {
        window.release();
    }

    /**
     * Produces events {@code first .. first + count - 1} with ids {@code idPrefix + index}, each after a window slot
     * is free. Gives up when no output has been read for {@code stall} (per {@code lastProgressNanos}) while waiting.
     *
     * @return how many were produced (less than {@code count} only after a stall)
     * @throws IllegalStateException when a send failed
     */
    int produce(String idPrefix, long first, int count, LongSupplier lastProgressNanos, Duration stall)
            throws InterruptedException {
        for (int i = 0; i < count; i++) {
            while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                checkSends();
                if (System.nanoTime() - lastProgressNanos.getAsLong() > stall.toNanos()) {
                    producer.flush();
                    return i;
                }
            }
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
