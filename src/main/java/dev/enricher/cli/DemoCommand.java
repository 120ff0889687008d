package dev.enricher.cli;

import dev.enricher.client.ApiKey;
import dev.enricher.engine.EngineStats;
import dev.enricher.local.DemoEnvironment;
import dev.enricher.tracing.SpanCollector;
import dev.enricher.tools.DemoRun;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher demo}: the whole service on a fresh machine with nothing running. A
 * {@link DemoEnvironment} (in-process broker, in-memory registry, the simulator or the real API when
 * {@code ZEROGPU_API_KEY} is set, the pipeline with four tasks), a {@link DemoRun} over the sample stream with a
 * live progress line, then a few enriched records (text, one line per task) and a summary. Exit code 0 when every event came out
 * (lost=0), 1 otherwise.
 *
 * <p>The summary line is the last line printed: the environment is closed (and its threads with it) before the
 * results are printed, so no log line of a closing client can follow it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the service end to end on an in-process broker: IAB classification, follow-up questions "
                + "and PII redaction over a sample stream, with a live progress line and a summary.",
                "Uses the ZeroGPU simulator, or the real API when ZEROGPU_API_KEY is set. Last line: "
                        + "demo: events=N enriched=E dead_lettered=D lost=0 throughput_eps=X"})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "2000", description = "Events to produce (default: ${DEFAULT-VALUE}).")
    int events;
    @Option(names = "--keys", defaultValue = "200", description = "Distinct keys (customers) (default: ${DEFAULT-VALUE}).")
    int keys;
    @Option(names = "--bad-every", defaultValue = "500", description = "Every Nth event is malformed, to show a dead "
            + "letter; 0 for none (default: ${DEFAULT-VALUE}).")
    int badEvery;
    @Option(names = "--show", defaultValue = "3", description = "Enriched records shown, each as its text and one line per task (default: ${DEFAULT-VALUE}).")
    int show;
    @Option(names = "--latency-ms", description = "Fixed simulator latency; default: per-model realistic latencies.")
    Long latencyMs;
    @Option(names = "--max-in-flight", defaultValue = "256", description = "API calls in flight (default: ${DEFAULT-VALUE}).")
    int maxInFlight;
    @Option(names = "--trace-picture", paramLabel = "PNG", description = "Trace every event and draw the trace of the "
            + "event with the most spans (its calls, retries, waits) to this PNG file. Spans also go over OTLP when "
            + "OTEL_EXPORTER_OTLP_ENDPOINT is set, as they do without this option.")
    private Path tracePicture;

    @Option(names = "--timeout", defaultValue = "10m", converter = DurationConverter.class,
            description = "Give up waiting for outputs after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (events < 1 || keys < 1 || badEvery < 0 || show < 0 || maxInFlight < 1) {
            err.println("demo: --events, --keys and --max-in-flight must be >= 1, --bad-every and --show >= 0");
            return 2;
        }
        boolean realApi = ApiKey.fromEnvironment().isPresent();
        SpanCollector spans = tracePicture == null ? null : new SpanCollector(200_000);
        DemoEnvironment env;
        try {
            env = DemoEnvironment.start(new DemoEnvironment.Settings(maxInFlight,
                    latencyMs == null ? null : Duration.ofMillis(latencyMs), realApi, spans));
        } catch (RuntimeException e) {
            err.println("demo: could not start: " + e.getMessage());
            err.flush();
            return 1;
        }
        EngineStats stats = env.service().pipeline().stats();
        DemoRun.Outcome outcome;
        try {
            out.println(realApi ? "demo: calling the real ZeroGPU API (ZEROGPU_API_KEY is set)"
                    : "demo: ZeroGPU simulator on " + env.apiUrl() + " (set ZEROGPU_API_KEY to call the real API)");
            out.println("demo: Kafka on " + env.bootstrapServers() + ", topics " + DemoEnvironment.INPUT_TOPIC + " -> "
                    + DemoEnvironment.ENRICHED_TOPIC + " / " + DemoEnvironment.DEAD_LETTER_TOPIC);
            out.println("demo: pipeline started (pii redaction first, then iab, followup questions, summary, sentiment; "
                    + "privacy, exactly_once_v2); metrics on "
                    + "http://127.0.0.1:" + env.service().opsPort() + "/metrics");
            if (env.service().tracing().isOn()) {
                out.println("demo: tracing on: " + env.service().tracing().description());
            }
            out.flush();
            outcome = new DemoRun(new DemoRun.Settings(env.bootstrapServers(), DemoEnvironment.INPUT_TOPIC,
                    DemoEnvironment.ENRICHED_TOPIC, DemoEnvironment.DEAD_LETTER_TOPIC, events, keys, badEvery, show,
                    timeout), env.registry(), stats::inFlight, err, System.console() != null, System::nanoTime).run();
        } finally {
            // Everything stops before the results are printed, so that the summary is the last line on the console.
            try {
                env.close();
            } catch (RuntimeException e) {
                err.println("demo: while stopping: " + e);
                err.flush();
            }
        }
        outcome.samples().forEach(e -> out.println(DemoRun.describe(e)));
        if (spans != null) {
            try {
                int drawn = spans.drawRichestTrace("One event's trace (stream-enricher demo)", tracePicture);
                out.println(drawn == 0 ? "demo: no span was kept, no trace picture drawn"
                        : "demo: the trace of one event (" + drawn + " spans of " + spans.size() + " kept) drawn to "
                        + tracePicture);
            } catch (java.io.IOException | RuntimeException e) {
                err.println("demo: could not draw the trace picture to " + tracePicture + ": " + e.getMessage());
                err.flush();
            }
        }
        out.printf("demo: summary: %,d events in %.1f s; API calls %,d in flight at most; retries %,d; "
                        + "calls saved by stored answers (repeated texts) %,d; dead letters by category %s; "
                        + "duplicates seen %d%n", events, outcome.seconds(), stats.peakInFlight(), stats.retries(),
                stats.callsSaved(), outcome.categories(), outcome.duplicates());
        out.println("demo: events=" + events + " enriched=" + outcome.enriched() + " dead_lettered="
                + outcome.deadLettered() + " lost=" + outcome.lost() + " throughput_eps=" + outcome.throughput());
        out.flush();
        return outcome.lost() == 0 ? 0 : 1;
    }
}
