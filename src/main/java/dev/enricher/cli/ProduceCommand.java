package dev.enricher.cli;

import dev.enricher.tools.EventProducer;
import dev.enricher.tools.EventSource;
import dev.enricher.tools.Pacer;
import dev.enricher.tools.ProgressLine;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher produce}: sends events from a file or from the built-in sample corpus to a topic through an
 * {@link EventProducer}. The last stdout line is {@code produce: sent=N topic=T elapsed_ms=E bad_lines=B}; a
 * progress line goes to stderr on a terminal.
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
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, description = "Topic to send to.")
    String topic;

    @Mixin
    EventSourceOptions source;

    @Option(names = "--rate", paramLabel = "R",
            description = "Events per second at most (token bucket); default: as fast as the broker takes them.")
    Double rate;

    @Option(names = "--progress", negatable = true,
            description = "Draw the progress line on stderr even when it is not a terminal (--no-progress: never).")
    Boolean progress;

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
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Java 17 cannot ask whether stderr alone is a terminal; an interactive console is the closest signal.
        boolean showProgress = progress != null ? progress : System.console() != null;
        ProgressLine bar = new ProgressLine(err, "produce", source.total(showProgress), showProgress, System::nanoTime);
        EventProducer producer = new EventProducer(topic, rate == null ? null : Pacer.perSecond(rate), bar::update,
                () -> stopping);
        long start = System.nanoTime();
        EventProducer.Result result;
        long badLines;
        try (StopOnSignal signal = StopOnSignal.install("produce-shutdown", this::stop, Duration.ofSeconds(30));
             EventSource events = source.open(line -> {
                 err.println("produce: " + line);
                 err.flush();
             })) {
            result = producer.send(() -> new KafkaProducer<>(kafka.clientConfig(
                    EventProducer.producerSettings("stream-enricher-produce"))), events);
            badLines = events.badLines();
            bar.finish(result.attempted());
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            out.printf("produce: sent=%d topic=%s elapsed_ms=%d bad_lines=%d%n", result.acked(), topic, elapsedMs,
                    badLines);
            out.flush();
        }
        if (result.failure() != null) {
            err.printf("produce: failed: %s; %d of the %d events handed to the producer were acknowledged (check "
                    + "--bootstrap-servers, that the broker is up, and that the topic exists or may be auto-created)%n",
                    result.failure().getMessage(), result.acked(), result.attempted());
        } else if (result.stopped() != null) {
            err.println("produce: " + result.stopped());
        }
        err.flush();
        return result.failure() != null || result.stopped() != null ? 1 : 0;
    }

    private void validate() {
        kafka.validate(spec, null);
        if (rate != null && (!(rate > 0) || rate.isInfinite())) {
            throw new ParameterException(spec.commandLine(), "--rate " + rate + " must be a positive number of events "
                    + "per second (leave it out for no limit)");
        }
        source.validate(spec);
    }
}
