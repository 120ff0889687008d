package dev.enricher.tools;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Sends the events of an {@link EventSource} to a topic, optionally paced, and says how many the broker
 * acknowledged. A failure never goes unreported and never throws: it ends the run and is in the {@link Result}.
 *
 * <p>Threads: {@link #send} is called once, on the caller's thread, which it blocks until the source is exhausted,
 * a send fails, the source stops the run, or {@code stopRequested} says so; then it flushes what it handed to the
 * producer and closes the producer. {@link #acked()} may be read from any thread while it runs. Forbidden: calling
 * {@code send} twice; a {@code stopRequested} or {@code progress} that blocks.
 */
public final class EventProducer {
    /**
     * How a run ended.
     *
     * @param attempted events handed to the producer
     * @param acked     events the broker acknowledged
     * @param failure   the first send failure (or the producer could not be created or closed); null when none
     * @param stopped   why the run ended before the end of the source, in words; null when it did not
     */
    public record Result(long attempted, long acked, KafkaException failure, String stopped) {
    }

    private final String topic;
    private final Pacer pacer;
    private final LongConsumer progress;
    private final BooleanSupplier stopRequested;
    private final AtomicLong acked = new AtomicLong();

    /**
     * @param pacer         paces the sends; null for as fast as the producer takes them
     * @param progress      called with the number of events handed to the producer after each one
     * @param stopRequested asked before each event; true ends the run ("stopped before the end")
     */
    public EventProducer(String topic, Pacer pacer, LongConsumer progress, BooleanSupplier stopRequested) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.pacer = pacer;
        this.progress = Objects.requireNonNull(progress, "progress");
        this.stopRequested = Objects.requireNonNull(stopRequested, "stopRequested");
    }

    /** The producer settings this tool needs: idempotent, {@code acks=all}, batched, failing within a minute. */
    public static Map<String, Object> producerSettings(String clientId) {
        Map<String, Object> p = ClientSettings.idempotentWriter(clientId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024));
        // Fail within half a minute when the brokers cannot be reached, instead of the default minute.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
        return p;
    }

    /** Events acknowledged so far; safe from any thread. */
    public long acked() {
        return acked.get();
    }

    /**
     * Sends every event of {@code events} (which the caller closes), then flushes and closes the producer.
     *
     * @param producers creates the producer; a {@link KafkaException} it throws is reported as the failure
     */
    public Result send(Supplier<? extends Producer<byte[], byte[]>> producers, EventSource events) {
        AtomicReference<KafkaException> firstFailure = new AtomicReference<>();
        long attempted = 0;
        String stopped = null;
        try (Producer<byte[], byte[]> producer = producers.get()) {
            try {
                for (OutgoingEvent e = events.next(); e != null && firstFailure.get() == null; e = events.next()) {
                    if (stopRequested.getAsBoolean()) {
                        stopped = "stopped before the end (Ctrl-C)";
                        break;
                    }
                    if (pacer != null) {
                        pacer.acquire();
                    }
                    String label = e.label();
                    producer.send(new ProducerRecord<>(topic, null, e.key(), e.value()), (metadata, ex) -> {
                        if (ex == null) {
                            acked.incrementAndGet();
                        } else {
                            firstFailure.compareAndSet(null, new KafkaException(label + ": " + ex.getMessage(), ex));
                        }
                    });
                    attempted++;
                    progress.accept(attempted);
                }
            } catch (IOException e) {
                stopped = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = "interrupted";
            } catch (KafkaException e) {
                // send() itself failed: no metadata in max.block.ms (broker unreachable), record too large...
                firstFailure.compareAndSet(null, e);
            }
            producer.flush();
        } catch (KafkaException e) {
            // Creating or closing the producer failed (bad bootstrap address or client property).
            firstFailure.compareAndSet(null, e);
        }
        return new Result(attempted, acked.get(), firstFailure.get(), stopped);
    }
}
