package dev.enricher.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher produce}: sends events from a file or from the built-in sample corpus to a topic with an
 * idempotent producer ({@code acks=all}), optionally paced. The last stdout line is
 * {@code produce: sent=N topic=T elapsed_ms=E bad_lines=B}; a progress line goes to stderr on a terminal.
 */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Sends events from a file or the built-in sample corpus to a topic.",
            "",
            "Events are the lines of a file (--file, one JSON event or text per line; blank lines are "
                    + "skipped) or N generated sample events (--sample N: {\"id\":\"sample-<n>\",\"text\":...,"
                    + "\"source\":<category>} from the built-in corpus of news, product reviews, support tickets, "
                    + "emails and social posts with FAKE names, example.com/example.org emails and 555 phone "
                    + "numbers; the same --seed gives the same events).",
            "",
            "Lines that are not a JSON object (with --format json) are reported on stderr with their line number "
                    + "and, by default, sent as they are (--on-bad-line send): the service turns them into dead "
                    + "letters, which is what such a line is for when testing the pipeline. Use --on-bad-line skip "
                    + "or fail to keep them out.",
            "",
            "Keys: by default the event's id field (none when the event has no id); --key-field F takes another "
                    + "top-level field (or a JSON Pointer such as /user/id); --keys K spreads events over K keys "
                    + "key-0..key-(K-1) round robin. --rate R paces to R events per second.",
            "",
            "The last line on stdout is 'produce: sent=N topic=T elapsed_ms=E bad_lines=B' (sent = acknowledged by "
                    + "the broker). A progress line (count, rate, ETA) is drawn on stderr when the console is a "
                    + "terminal, or with --progress.",
            "",
            "Example: stream-enricher produce --bootstrap-servers 127.0.0.1:9092 --topic raw-messages --sample 1000 "
                    + "--rate 50 --keys 16"},
        footer = {"", "Exit codes: 0 all sent, 1 a send failed or --on-bad-line fail stopped it (the message says "
                + "which), 2 a bad option."})
final class ProduceCommand implements Callable<Integer> {
    /** How many bad lines are listed one by one before only counting them. */
    static final int LISTED_BAD_LINES = 20;

    enum LineFormat { JSON, TEXT }

    enum OnBadLine { SEND, SKIP, FAIL }

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, description = "Topic to send to.")
    String topic;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--file", paramLabel = "FILE", required = true,
                description = "One event per line (JSON Lines, or text with --format text).")
        Path file;

        @Option(names = "--sample", paramLabel = "N", required = true,
                description = "N events generated from the built-in sample corpus.")
        Long sample;
    }

    @Option(names = "--format", defaultValue = "JSON",
            description = "How --file lines are read: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "TEXT sends every line as it is and never reports one as bad.")
    LineFormat format;

    @Option(names = "--on-bad-line", defaultValue = "SEND",
            description = "A --file line that is not a JSON object: ${COMPLETION-CANDIDATES} (default: "
                    + "${DEFAULT-VALUE}; send it as it is, to become a dead letter downstream).")
    OnBadLine onBadLine;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the --sample events (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--rate", paramLabel = "R",
            description = "Events per second at most (token bucket); default: as fast as the broker takes them.")
    Double rate;

    @ArgGroup(exclusive = true)
    Keys keys;

    static final class Keys {
        @Option(names = "--key-field", paramLabel = "FIELD",
                description = "Key each event by this top-level field or JSON Pointer (/a/b) (default: id).")
        String keyField;

        @Option(names = "--keys", paramLabel = "K", description = "Spread events over K keys, key-0..key-(K-1).")
        Integer keyCount;
    }

    @Option(names = "--progress", negatable = true,
            description = "Draw the progress line on stderr even when it is not a terminal (--no-progress: never).")
    Boolean progress;

    /** An event ready to send, and what to call it in messages. */
    private record Outgoing(byte[] key, byte[] value, String label) {
    }

    /** Yields the events one by one; null at the end. */
    private interface Events extends AutoCloseable {
        Outgoing next() throws IOException;

        @Override
        default void close() throws IOException {
        }
    }

    private final AtomicLong badLines = new AtomicLong();
    private volatile boolean stopping;

    /**
     * Asks a running command to stop sending; it then flushes what it handed to the producer, prints its summary
     * and returns 1. Safe from any thread (the Ctrl-C hook, tests).
     */
    void stop() {
        stopping = true;
    }

    @Override
    public Integer call() throws IOException {
        validate();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop();
            try {
                // Let the command flush what it handed to the producer and print its summary (bounded).
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "produce-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return sendAll(spec.commandLine().getOut(), spec.commandLine().getErr());
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and returns now
            }
        }
    }

    /** Sends every event, prints the summary line and returns the exit code. */
    private int sendAll(PrintWriter out, PrintWriter err) throws IOException {
        // Java 17 cannot ask whether stderr alone is a terminal; an interactive console is the closest signal.
        boolean showProgress = progress != null ? progress : System.console() != null;
        long total = input.sample != null ? input.sample : showProgress ? LineSource.count(input.file) : -1;
        Pacer pacer = rate == null ? null : Pacer.perSecond(rate);
        AtomicLong acked = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        long attempted = 0;
        String stopped = null;
        long start = System.nanoTime();
        ProgressLine bar = new ProgressLine(err, "produce", total, showProgress, System::nanoTime);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientConfig(producerConfig()));
             Events events = input.sample != null ? samples() : lines(err)) {
            try {
                for (Outgoing o = events.next(); o != null && firstFailure.get() == null; o = events.next()) {
                    if (stopping) {
                        stopped = "stopped before the end (Ctrl-C)";
                        break;
                    }
                    if (pacer != null) {
                        pacer.acquire();
                    }
                    String label = o.label();
                    producer.send(new ProducerRecord<>(topic, null, o.key(), o.value()), (metadata, e) -> {
                        if (e == null) {
                            acked.incrementAndGet();
                        } else {
                            firstFailure.compareAndSet(null, new KafkaException(label + ": " + e.getMessage(), e));
                        }
                    });
                    attempted++;
                    bar.update(attempted);
                }
            } catch (BadLineStop e) {
                stopped = e.getMessage();
            } catch (IOException e) {
                stopped = "cannot read --file " + input.file + ": " + e.getMessage();
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
        } finally {
            bar.finish(attempted);
        }
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        out.printf("produce: sent=%d topic=%s elapsed_ms=%d bad_lines=%d%n", acked.get(), topic, elapsedMs, badLines.get());
        out.flush();
        if (firstFailure.get() != null) {
            err.printf("produce: failed: %s; %d of the %d events handed to the producer were acknowledged (check "
                    + "--bootstrap-servers, that the broker is up, and that the topic exists or may be auto-created)%n",
                    firstFailure.get().getMessage(), acked.get(), attempted);
            err.flush();
            return 1;
        }
        if (stopped != null) {
            err.println("produce: " + stopped);
            err.flush();
            return 1;
        }
        return 0;
    }

    private void validate() {
        if (rate != null && (!(rate > 0) || rate.isInfinite())) {
            throw new ParameterException(spec.commandLine(), "--rate " + rate + " must be a positive number of events "
                    + "per second (leave it out for no limit)");
        }
        if (input.sample != null && input.sample < 1) {
            throw new ParameterException(spec.commandLine(), "--sample " + input.sample + " must be at least 1");
        }
        if (input.file != null && !Files.isReadable(input.file)) {
            throw new ParameterException(spec.commandLine(), "--file " + input.file + " is not a readable file");
        }
        if (keys != null && keys.keyCount != null && keys.keyCount < 1) {
            throw new ParameterException(spec.commandLine(), "--keys " + keys.keyCount + " must be at least 1");
        }
        if (keys != null && keys.keyField != null) {
            if (keys.keyField.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--key-field is blank: give a field name such as id");
            }
            if (input.file != null && format == LineFormat.TEXT) {
                throw new ParameterException(spec.commandLine(), "--key-field needs JSON lines: with --format text "
                        + "use --keys K, or no key option for unkeyed events");
            }
            if (input.sample != null && !java.util.List.of("id", "text", "source", "/id", "/text", "/source")
                    .contains(keys.keyField)) {
                throw new ParameterException(spec.commandLine(), "--key-field " + keys.keyField + ": sample events "
                        + "have only the fields id, text and source");
            }
        }
    }

    private Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "10",
                ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024),
                // Fail within half a minute when the brokers cannot be reached, instead of the default minute.
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000",
                ProducerConfig.CLIENT_ID_CONFIG, "stream-enricher-produce");
    }

    private byte[] roundRobinKey(long index) {
        return ("key-" + (index % keys.keyCount)).getBytes(StandardCharsets.UTF_8);
    }

    private Events samples() {
        SampleCorpus corpus = SampleCorpus.load();
        long n = input.sample;
        String field = keys != null && keys.keyField != null ? keys.keyField.replace("/", "") : "id";
        return new Events() {
            private long i;

            @Override
            public Outgoing next() {
                if (i >= n) {
                    return null;
                }
                i++;
                SampleCorpus.SampleEvent e = corpus.event(i, seed);
                byte[] key;
                if (keys != null && keys.keyCount != null) {
                    key = roundRobinKey(i - 1);
                } else {
                    String k = "text".equals(field) ? e.text() : "source".equals(field) ? e.source() : e.id();
                    key = k.getBytes(StandardCharsets.UTF_8);
                }
                return new Outgoing(key, e.json(), e.id());
            }
        };
    }

    private Events lines(PrintWriter err) throws IOException {
        LineSource source = new LineSource(input.file);
        ObjectReader json = JsonRendering.MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        String field = keys != null && keys.keyField != null ? keys.keyField : "id";
        String pointer = field.startsWith("/") ? field : "/" + field.replace("~", "~0").replace("/", "~1");
        return new Events() {
            private long i;

            @Override
            public Outgoing next() throws IOException {
                while (true) {
                    LineSource.Line line = source.next();
                    if (line == null) {
                        return null;
                    }
                    String label = input.file.getFileName() + ":" + line.number();
                    JsonNode event = null;
                    if (format == LineFormat.JSON) {
                        String problem;
                        String text = JsonRendering.utf8OrNull(line.bytes());
                        if (text == null) {
                            problem = "not valid UTF-8";
                        } else {
                            try {
                                event = json.readTree(text);
                                problem = event != null && event.isObject() ? null
                                        : "a JSON " + (event == null ? "nothing" : event.getNodeType().name()
                                        .toLowerCase(java.util.Locale.ROOT)) + ", not a JSON object";
                            } catch (IOException e) {
                                problem = "not JSON (" + firstLine(e.getMessage()) + ")";
                            }
                        }
                        if (problem != null) {
                            event = null;
                            long bad = badLines.incrementAndGet();
                            String action = onBadLine == OnBadLine.SEND ? "sent as it is (it will become a dead letter)"
                                    : onBadLine == OnBadLine.SKIP ? "skipped" : "stopping (--on-bad-line fail)";
                            if (bad <= LISTED_BAD_LINES || onBadLine == OnBadLine.FAIL) {
                                err.println("produce: " + label + ": " + problem + ": " + action);
                            } else if (bad == LISTED_BAD_LINES + 1) {
                                err.println("produce: more bad lines follow; only their count is reported");
                            }
                            err.flush();
                            if (onBadLine == OnBadLine.FAIL) {
                                throw new BadLineStop("stopped at " + label + ": not a JSON object (--on-bad-line fail)");
                            }
                            if (onBadLine == OnBadLine.SKIP) {
                                continue;
                            }
                        }
                    }
                    byte[] key;
                    if (keys != null && keys.keyCount != null) {
                        key = roundRobinKey(i);
                    } else if (event != null) {
                        JsonNode k = event.at(pointer);
                        key = k.isMissingNode() || k.isNull() ? null
                                : (k.isValueNode() ? k.asText() : k.toString()).getBytes(StandardCharsets.UTF_8);
                    } else {
                        key = null;
                    }
                    i++;
                    return new Outgoing(key, line.bytes(), label);
                }
            }

            @Override
            public void close() throws IOException {
                source.close();
            }
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** --on-bad-line fail met a bad line. */
    private static final class BadLineStop extends IOException {
        BadLineStop(String message) {
            super(message);
        }
    }
}
