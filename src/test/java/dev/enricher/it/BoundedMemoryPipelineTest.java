package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.engine.EngineStats;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.topology.EnrichmentPipeline;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bounded: a backlog of 100,000 events, 1 s per call, in-flight cap 256 and pending cap 1,000 per task. While the
 * pipeline works through it, calls in flight never exceed the cap (counted by the engine and by the server), pending
 * events per task never exceed theirs, and the heap after GC stays flat: it does not grow with the backlog. The test
 * stops after a fixed number of outputs (at 256 calls per second, draining everything would take minutes) and
 * closes the pipeline cleanly.
 */
class BoundedMemoryPipelineTest {
    private static final int BACKLOG = 100_000;
    private static final int MAX_IN_FLIGHT = 256;
    private static final int MAX_PENDING = 1_000;
    private static final int OUTPUTS = 5_000;
    private static final long HEAP_MARGIN = 48L * 1024 * 1024;

    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();
    private ScheduledExecutorService sampler;

    @AfterEach
    void stopSampler() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    @Test
    void inFlightPendingAndHeapStayBoundedUnderABacklog() throws Exception {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofSeconds(1)).seed(2));
        PipelineFixture.Topics t = fx.topics("bounded", 2);
        OutputReader reader = fx.reader(t, fx.registry(), false);
        int sent = 0;
        while (sent < BACKLOG) {
            sent += fx.sendEvents(t.input(), 10_000, n -> "k-" + (n % 1_000), PipelineFixture::text).size();
        }

        EnrichmentPipeline p = fx.start(fx.settings(t, "state", PipelineFixture.tasks(TaskType.IAB))
                .engine(PipelineFixture.engine().withMaxInFlight(MAX_IN_FLIGHT).withMaxPendingPerTask(MAX_PENDING))
                .build());
        EngineStats stats = p.stats();
        AtomicInteger inFlightSeen = new AtomicInteger();
        AtomicInteger pendingSeen = new AtomicInteger();
        List<Long> heap = Collections.synchronizedList(new ArrayList<>());
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        sampler = Executors.newScheduledThreadPool(2);
        sampler.scheduleAtFixedRate(() -> {
            inFlightSeen.accumulateAndGet(stats.inFlight(), Math::max);
            pendingSeen.accumulateAndGet(stats.pending(), Math::max);
        }, 0, 20, TimeUnit.MILLISECONDS);
        sampler.scheduleAtFixedRate(() -> {
            System.gc();
            heap.add(memory.getHeapMemoryUsage().getUsed());
        }, 2, 2, TimeUnit.SECONDS);

        reader.awaitCount(OUTPUTS, Duration.ofMinutes(2));
        sampler.shutdownNow();
        assertThat(sampler.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(inFlightSeen.get()).as("calls in flight seen").isLessThanOrEqualTo(MAX_IN_FLIGHT)
                .isGreaterThan(MAX_IN_FLIGHT / 4);
        assertThat(stats.peakInFlight()).as("peak in flight").isLessThanOrEqualTo(MAX_IN_FLIGHT);
        assertThat(fx.simulator().stats().maxInFlight()).as("peak in flight at the server")
                .isLessThanOrEqualTo(MAX_IN_FLIGHT);
        assertThat(stats.peakPendingPerTask()).as("peak pending per task").isLessThanOrEqualTo(MAX_PENDING);
        // Two stream tasks (one per partition), each under its cap: nowhere near the backlog.
        assertThat(pendingSeen.get()).as("pending events seen").isLessThanOrEqualTo(2 * MAX_PENDING);
        assertThat(reader.problems()).isEmpty();

        List<Long> samples;
        synchronized (heap) {
            samples = List.copyOf(heap);
        }
        assertThat(samples).as("heap samples").hasSizeGreaterThanOrEqualTo(6);
        // The first sample is taken while the pipeline warms up; compare the early plateau with the end.
        long early = samples.subList(1, 3).stream().mapToLong(Long::longValue).max().orElseThrow();
        long late = samples.subList(samples.size() - 3, samples.size()).stream().mapToLong(Long::longValue).max()
                .orElseThrow();
        assertThat(late).as("heap after GC at the end (MiB %d) vs early (MiB %d), samples %s", late >> 20, early >> 20,
                samples.stream().map(b -> b >> 20).toList()).isLessThanOrEqualTo(early + HEAP_MARGIN);

        long closing = System.nanoTime();
        p.close(Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - closing)).as("clean close").isLessThan(Duration.ofSeconds(30));
        assertThat(p.streams().state().hasCompletedShutdown()).isTrue();
    }
}
