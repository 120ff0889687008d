package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.testing.OtlpReceiver;
import dev.enricher.testing.OtlpReceiver.ReceivedSpan;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.testing.Sent.Hdr;
import dev.enricher.topology.ProcessingGuarantee;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A traced pipeline in a JVM of its own, exporting over OTLP (http/protobuf, configured by the standard
 * {@code OTEL_*} variables alone) to a real receiver on 127.0.0.1, killed with SIGKILL while its calls are on the
 * wire: the restarted process continues each event's trace, the one its producer started, under the span the pending
 * entry kept; the outputs carry the trace on; no span holds the API key.
 */
class TracingCrashTest {
    private static final int EVENTS = 8;

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();
    private final OtlpReceiver receiver = OtlpReceiver.start();
    private Process child;

    @AfterEach
    void stop() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        receiver.close();
    }

    private static String traceId(int n) {
        return String.format("%032x", 0x5eed0000L + n);
    }

    @Test
    void aKillMidCallAndARestartContinueEachEventsTrace() throws Exception {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofSeconds(30)).seed(2));
        PipelineFixture.Topics t = fx.topics("traced-crash", 1);
        OutputReader reader = fx.reader(t, PipelineProcess.registryWithOutputSchemas(t.enriched(), t.deadLetters()),
                true);
        List<PipelineFixture.Draft> drafts = new ArrayList<>();
        for (int n = 0; n < EVENTS; n++) {
            String id = "e-" + n;
            drafts.add(new PipelineFixture.Draft("k-" + n, id, PipelineFixture.text(n),
                    PipelineFixture.eventJson(id, PipelineFixture.text(n)),
                    List.of(new Hdr("traceparent", "00-" + traceId(n) + "-00000000000000a" + n + "-01"))));
        }
        List<Sent> sent = fx.send(t.input(), drafts);
        Path log = fx.dir().resolve("child.log");

        child = start(t, log);
        await("every call on the wire, and its slot wait exported").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(50)).failFast("child exited", () -> !child.isAlive())
                .until(() -> fx.simulator().stats().inFlight() == EVENTS
                        && named("wait for call slot").size() >= EVENTS);
        // The event spans of the first process never end: their ids are known from their children.
        Map<String, String> lostEventSpan = new java.util.HashMap<>();
        for (ReceivedSpan s : named("wait for call slot")) {
            lostEventSpan.put(s.traceId(), s.parentSpanId());
        }
        assertThat(named("enrich " + t.input())).isEmpty();
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

        fx.restartSimulator(b -> b.fixedLatency(Duration.ofMillis(20)));
        child = start(t, log);
        reader.awaitAll(sent, Duration.ofMinutes(2));
        child.destroy(); // a clean stop flushes the last spans
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        await("the restarted process's event spans").atMost(Duration.ofSeconds(30))
                .until(() -> named("enrich " + t.input()).size() >= EVENTS);
        for (int n = 0; n < EVENTS; n++) {
            String trace = traceId(n);
            ReceivedSpan event = named("enrich " + t.input()).stream().filter(s -> s.traceId().equals(trace))
                    .findFirst().orElseThrow(() -> new AssertionError("no event span in trace " + trace));
            assertThat(event.parentSpanId()).as("under the span the entry kept").isEqualTo(lostEventSpan.get(trace));
            assertThat(event.attributes()).containsEntry("enricher.resumed", true)
                    .containsEntry("enricher.outcome", "enriched");
            assertThat(event.events()).contains("resumed");
            assertThat(event.resource()).containsEntry("service.name", "traced-crash-it");
            assertThat(receiver.spans().stream().filter(c -> c.name().startsWith("chat ") && c.traceId().equals(trace)
                    && c.parentSpanId().equals(event.spanId()))).as("the re-sent call in trace %s", trace)
                    .isNotEmpty();
            assertThat(reader.only(sent.get(n)).header("traceparent"))
                    .isEqualTo("00-" + trace + "-" + event.spanId() + "-01");
        }
        for (ReceivedSpan s : receiver.spans()) {
            assertThat(s.attributes().toString()).doesNotContain(PipelineFixture.API_KEY);
        }
        assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(PipelineFixture.API_KEY);
    }

    private List<ReceivedSpan> named(String name) {
        return receiver.spans().stream().filter(s -> s.name().equals(name)).toList();
    }

    private Process start(PipelineFixture.Topics t, Path log) throws IOException {
        return PipelineProcess.start(fx, t, ProcessingGuarantee.EXACTLY_ONCE_V2, 64, log, Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_SERVICE_NAME", "traced-crash-it", "OTEL_BSP_SCHEDULE_DELAY", "100"));
    }
}
