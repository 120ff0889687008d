package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash: a pipeline in a child JVM is killed with SIGKILL three times while hundreds of calls are in flight
 * (2 s service time, so that calls pile up to hundreds even on a busy machine; in-flight cap 512), and restarted on
 * the same state directory each time; the last run, with fast answers, works through what is left. Under
 * {@code exactly_once_v2} every input ends as exactly one output for a read_committed reader; under
 * {@code at_least_once} as at least one. The broker and the simulator live in this JVM and survive the kills.
 */
class CrashRecoveryPipelineTest {
    private static final int KILLS = 3;
    private static final int EVENTS_PER_ROUND = 1_000;
    private static final Duration LATENCY = Duration.ofSeconds(2);
    private static final int MAX_IN_FLIGHT = 512;

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();
    private Process child;

    @AfterEach
    void stopChild() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        Path log = fx.dir().resolve("child.log");
        if (Files.exists(log)) {
            // For diagnosis: the child's last lines (its logs never show the key; the test checks that).
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            System.out.println("--- last lines of the pipeline process output ---");
            lines.stream().filter(l -> !l.startsWith("STATS") || !l.contains("inFlight=0 ")).skip(Math.max(0, lines.size() - 400))
                    .forEach(System.out::println);
        }
    }

    @ParameterizedTest
    @EnumSource(ProcessingGuarantee.class)
    void killedMidStreamThreeTimesLosesNothing(ProcessingGuarantee guarantee) throws Exception {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(LATENCY).seed(9));
        PipelineFixture.Topics t = fx.topics("crash", 2);
        // The child registers the output schemas in this order too, so its ids are these.
        OutputReader reader = fx.reader(t, PipelineProcess.registryWithOutputSchemas(t.enriched(), t.deadLetters()),
                false);
        Path log = fx.dir().resolve("child.log");
        List<Sent> sent = new ArrayList<>();

        for (int kill = 1; kill <= KILLS; kill++) {
            sent.addAll(fx.sendEvents(t.input(), EVENTS_PER_ROUND, n -> "k-" + (n % 64), PipelineFixture::text));
            int before = reader.count();
            child = startChild(t, guarantee, log);
            int round = kill;
            await("round " + round + ": progress with hundreds of calls in flight").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(20))
                    .failFast("child exited", () -> !child.isAlive())
                    .until(() -> reader.count() > before + 100 && fx.simulator().stats().inFlight() >= 200);
            int inFlightAtKill = fx.simulator().stats().inFlight();
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(reader.covered(sent)).as("round %d killed with %d in flight: not finished", round,
                    inFlightAtKill).isLessThan(sent.size());
        }

        // The last run only has to finish: fast answers (same port, nothing in flight since the kill).
        fx.restartSimulator(b -> b.fixedLatency(Duration.ofMillis(20)));
        sent.addAll(fx.sendEvents(t.input(), 500, n -> "k-" + (n % 64), PipelineFixture::text));
        child = startChild(t, guarantee, log);
        reader.awaitAll(sent, Duration.ofMinutes(3));
        // A clean stop lets the last transaction commit, so a read_committed reader sees everything it will see.
        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        if (guarantee == ProcessingGuarantee.EXACTLY_ONCE_V2) {
            reader.assertExactlyOnce(sent, t.input());
        } else {
            reader.assertAtLeastOnce(sent, t.input());
        }
        assertThat(reader.deadLetterCount()).as("dead letters").isZero();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(output).as("child output").contains("RUNNING").doesNotContain(PipelineFixture.API_KEY);
    }

    private Process startChild(PipelineFixture.Topics t, ProcessingGuarantee guarantee, Path log) throws IOException {
        return PipelineProcess.start(fx, t, guarantee, MAX_IN_FLIGHT, log, Map.of());
    }
}
