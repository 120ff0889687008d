package dev.enricher.bench.peers.pc;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatWire;
import dev.enricher.bench.peers.PeerArgs;
import dev.enricher.bench.peers.PeerRecords;
import dev.enricher.serde.GeneratedClassTrust;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskResult;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.PollContext;
import io.confluent.parallelconsumer.internal.DrainingCloseable.DrainingMode;
import io.confluent.parallelconsumer.vertx.VertxParallelEoSStreamProcessor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A benchmark contender: the same work per event as the service's pipeline (JSON event in, one {@code iab} call,
 * an Avro {@code EnrichedEvent} out), built on Confluent Parallel Consumer's Vert.x module instead of Kafka Streams.
 *
 * <p>Parallel Consumer keeps at most {@code --concurrency} records in flight (key-ordered), each one an HTTP call
 * on a Vert.x 4 {@link WebClient} whose HTTP/1.1 pool holds as many connections; a record's future completes only
 * when its output record is acknowledged by the broker, so the offset PC commits covers only durable output
 * (at-least-once). Failed calls fail the future and PC retries the record (no dead letters). Transactions are not
 * available: PC's external engines (Vert.x, Reactor) reject the transactional commit mode.
 *
 * <p>Runs until SIGTERM; a shutdown hook closes PC (which closes its consumer, the web client and Vert.x) and the
 * producer. Exit status 2 for bad arguments. See {@code bench/peers/README.md}.
 */
public final class ParallelConsumerPeer {
    static {
        // Vert.x 4 picks its logging backend itself; make it SLF4J (simple, warn: see simplelogger.properties).
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    }

    private static final Logger log = LoggerFactory.getLogger(ParallelConsumerPeer.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final long FAILURE_LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();

    private final int schemaId;
    private final String outputTopic;
    private final String apiUrl;
    private final String apiKey;
    private final EnrichmentTask task = PeerRecords.task();
    private final ChatWire wire = new ChatWire();
    private final WebClient http;
    private final KafkaProducer<byte[], byte[]> producer;
    private final AtomicBoolean warnedNotJson = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);

    private ParallelConsumerPeer(int schemaId, String outputTopic, String apiUrl, String apiKey, WebClient http,
                                 KafkaProducer<byte[], byte[]> producer) {
        this.schemaId = schemaId;
        this.outputTopic = outputTopic;
        this.apiUrl = apiUrl;
        this.apiKey = apiKey;
        this.http = http;
        this.producer = producer;
    }

    /** The options, checked before anything starts. */
    record Settings(String bootstrap, String inputTopic, String outputTopic, String group, String apiUrl,
                    int concurrency, int threads, int schemaId, String apiKey) {

        @Override
        public String toString() {
            return "Settings[bootstrap=" + bootstrap + ", inputTopic=" + inputTopic + ", outputTopic=" + outputTopic
                    + ", group=" + group + ", apiUrl=" + apiUrl + ", concurrency=" + concurrency + ", threads="
                    + threads + ", schemaId=" + schemaId + ", apiKey=(redacted)]";
        }

        static Settings of(PeerArgs args) {
            String guarantee = args.string("guarantee", "at_least_once");
            if ("exactly_once_v2".equals(guarantee)) {
                throw new IllegalArgumentException("--guarantee exactly_once_v2 is not supported: Parallel Consumer's "
                        + "Vert.x module (an ExternalEngine) rejects the transactional commit mode "
                        + "(PERIODIC_TRANSACTIONAL_PRODUCER), so async results cannot be produced in a transaction; "
                        + "use at_least_once");
            }
            if (!"at_least_once".equals(guarantee)) {
                throw new IllegalArgumentException("--guarantee must be at_least_once (exactly_once_v2 is not "
                        + "supported by this peer), got '" + guarantee + "'");
            }
            String apiUrl = args.string("api-url");
            URI uri;
            try {
                uri = URI.create(apiUrl);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("option --api-url is not a URL: " + apiUrl);
            }
            if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("option --api-url must be an http(s) URL, got " + apiUrl);
            }
            return new Settings(args.string("bootstrap"), args.string("input-topic"), args.string("output-topic"),
                    args.string("group"), apiUrl, args.integer("concurrency", 1), args.integer("threads", 1, 0),
                    args.integer("schema-id", 0), PeerArgs.apiKey());
        }
    }

    public static void main(String[] argv) {
        Settings s;
        try {
            s = Settings.of(PeerArgs.parse(List.of(argv)));
        } catch (IllegalArgumentException e) {
            System.err.println("parallel-consumer-peer: " + e.getMessage());
            System.exit(2);
            return;
        }
        run(s);
    }

    private static void run(Settings s) {
        GeneratedClassTrust.install(); // before the first EnrichedEvent is written
        VertxOptions vertxOptions = new VertxOptions();
        if (s.threads() > 0) {
            vertxOptions.setEventLoopPoolSize(s.threads());
        }
        Vertx vertx = Vertx.vertx(vertxOptions);
        boolean https = s.apiUrl().startsWith("https:");
        WebClientOptions httpOptions = new WebClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setMaxPoolSize(s.concurrency())     // one connection per record in flight (Vert.x default: 5)
                .setHttp2MaxPoolSize(s.concurrency())
                .setMaxWaitQueueSize(-1)
                .setPipelining(false)
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
                .setSsl(https)
                .setFollowRedirects(false);
        if (s.threads() > 0) {
            httpOptions.setPoolEventLoopSize(s.threads());
        }
        WebClient http = WebClient.create(vertx, httpOptions);

        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(s.bootstrap()));
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(s.bootstrap(), s.group()));
        ParallelConsumerOptions<byte[], byte[]> options = ParallelConsumerOptions.<byte[], byte[]>builder()
                .consumer(consumer)
                .ordering(ProcessingOrder.KEY)
                .maxConcurrency(s.concurrency())
                .commitMode(CommitMode.PERIODIC_CONSUMER_ASYNCHRONOUS)
                .build();
        VertxParallelEoSStreamProcessor<byte[], byte[]> pc = new VertxParallelEoSStreamProcessor<>(vertx, http, options);
        ParallelConsumerPeer peer = new ParallelConsumerPeer(s.schemaId(), s.outputTopic(), s.apiUrl(), s.apiKey(),
                http, producer);

        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            try {
                pc.close(CLOSE_TIMEOUT, DrainingMode.DONT_DRAIN); // commits what is done; closes consumer, client, Vert.x
            } catch (Throwable e) {
                log.warn("closing Parallel Consumer: {}", e.toString());
            }
            try {
                producer.close(CLOSE_TIMEOUT);
            } catch (Throwable e) {
                log.warn("closing the producer: {}", e.toString());
            }
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Throwable e) {
                log.warn("closing Vert.x: {}", e.toString());
            }
            closed.countDown();
        }, "peer-shutdown"));

        // Fetch the output topic's metadata now, so the first send on an event loop does not wait for it.
        producer.partitionsFor(s.outputTopic());
        pc.subscribe(List.of(s.inputTopic()));
        pc.vertxFuture(peer::process);
        PeerArgs.announceReady();

        // PC runs on its own threads; keep main alive until the shutdown hook has run, or PC failed on its own.
        while (closed.getCount() > 0) {
            if (pc.isClosedOrFailed() && !stopping.get()) {
                log.error("Parallel Consumer stopped: {}", String.valueOf(pc.getFailureCause()));
                System.exit(1);
            }
            try {
                closed.await(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * One record: runs on PC's dispatch thread and returns at once; the future completes on Vert.x / producer
     * threads once the output is acknowledged, or fails (PC then retries the record).
     */
    private Future<?> process(PollContext<byte[], byte[]> context) {
        ConsumerRecord<byte[], byte[]> rec = context.getSingleConsumerRecord();
        PeerRecords.Input input;
        try {
            input = PeerRecords.input(rec.value());
        } catch (IllegalArgumentException e) {
            // Not an event: nothing to write, and done (PC commits past it). The message never quotes the value.
            if (warnedNotJson.compareAndSet(false, true)) {
                log.warn("skipping input records that are not events (first at {}-{}@{}): {}", rec.topic(),
                        rec.partition(), rec.offset(), e.getMessage());
            }
            return Future.succeededFuture();
        }
        byte[] body;
        try {
            body = wire.requestBody(task.request(input.text()));
        } catch (IOException | RuntimeException e) {
            return Future.failedFuture(e);
        }
        long start = System.nanoTime();
        return http.postAbs(apiUrl)
                .putHeader("x-api-key", apiKey)
                .putHeader("content-type", "application/json")
                .timeout(REQUEST_TIMEOUT.toMillis())
                .sendBuffer(Buffer.buffer(body))
                .compose(response -> write(rec, input, response, Duration.ofNanos(System.nanoTime() - start)))
                .onFailure(this::failed);
    }

    /**
     * PC retries a failed record (after its retry delay) and would log each failure at ERROR; its logger is off
     * (simplelogger.properties) and this summarises instead: at most one WARN per interval, with the count.
     */
    private void failed(Throwable e) {
        long n = failures.incrementAndGet();
        long now = System.nanoTime();
        long last = lastFailureLog.get();
        if (now - last >= FAILURE_LOG_INTERVAL_NANOS && lastFailureLog.compareAndSet(last, now)) {
            log.warn("{} failed record attempts so far (Parallel Consumer retries them); latest: {}", n, e.toString());
        }
    }

    private Future<Void> write(ConsumerRecord<byte[], byte[]> rec, PeerRecords.Input input,
                               HttpResponse<Buffer> response, Duration latency) {
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            return Future.failedFuture(new IllegalStateException("the API answered HTTP " + status));
        }
        Buffer buffer = response.body();
        byte[] answer = buffer == null ? new byte[0] : buffer.getBytes();
        ChatCompletion completion = wire.completion(answer, 0, answer.length, response.getHeader("x-request-id"), 1,
                latency);
        TaskResult result = task.parse(completion);
        byte[] value = PeerRecords.enriched(schemaId, rec.topic(), rec.partition(), rec.offset(), rec.timestamp(),
                input, task, result, completion);
        Promise<Void> acked = Promise.promise();
        producer.send(new ProducerRecord<>(outputTopic, rec.key(), value), (metadata, e) -> {
            if (e != null) {
                acked.fail(e);
            } else {
                acked.complete();
            }
        });
        return acked.future();
    }

    private static Properties consumerConfig(String bootstrap, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "pc-peer-consumer");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // PC commits itself, and requires this
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private static Properties producerConfig(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "pc-peer-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }
}
