package dev.enricher.bench;

import dev.enricher.client.ChatRequest;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.RetryPolicy;
import dev.enricher.client.ZeroGpuClient;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorStats;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The client benchmark of {@code stream-enricher bench client}: the client at a fixed concurrency against the
 * in-process simulator with a fixed latency, its throughput compared with Little's law (at most C / L calls per
 * second). Closed loop: C chains of calls, each starting its next call when the previous one ends, so the client is
 * always exactly at its ceiling and the queue in front of it stays empty.
 *
 * <p>With {@link ApiFaults} the simulator refuses calls (429s, 5xx, a rate limit, a storm of 429s) and the client runs
 * as the service does: retries with the default policy ({@code Retry-After} honoured) and the adaptive limit under the
 * ceiling C. Then 2C chains, so that calls waiting for a retry leave no slot idle; the summary adds the share of
 * answers that were 429 and what the limit did.
 *
 * <p>One run per instance, on the calling thread; prints to the writer given, the summary line last.
 */
public final class ClientBenchmark {
    /** Most seconds of the adaptive warm-up. */
    public static final int WARMUP_LIMIT_SECONDS = 90;

    static final String SAMPLE_TEXT = "The home side clinched the championship with a late goal in extra time, "
            + "sending thousands of football fans into the streets. Analysts say the club's investment in young "
            + "players and a new training ground paid off, while ticket prices for next season are expected to rise.";

    /**
     * What to run.
     *
     * @param warmup     unmeasured requests first; -1 for a fifth of {@code requests}, at least 20,000, then rounds
     *                   until the JIT is quiet ({@link JitWarmUp}), at most {@link #WARMUP_LIMIT_SECONDS}
     * @param eventLoops of the client, and of the simulator
     * @param faults     what the simulator refuses; {@link ApiFaults#none()} for nothing
     * @param httpVersion of the client's connections (the simulator speaks both)
     */
    public record Options(long latencyMs, int concurrency, int requests, int warmup, int eventLoops, ApiFaults faults,
                          ClientConfig.HttpVersion httpVersion) {
        public Options {
            java.util.Objects.requireNonNull(faults, "faults");
            java.util.Objects.requireNonNull(httpVersion, "httpVersion");
        }

        /** Chains of calls: C, or 2C when calls may wait for a retry. */
        int chains() {
            return faults.any() ? 2 * concurrency : concurrency;
        }
    }

    private final Options o;
    private final PrintWriter out;
    /** Ids of the threads that complete client calls: the client's event loops (for the CPU split). */
    private final Set<Long> clientThreads = ConcurrentHashMap.newKeySet();

    public ClientBenchmark(Options options, PrintWriter out) {
        this.o = options;
        this.out = out;
    }

    /**
     * Runs and prints the figures; the last line, {@code bench client: requests=N ...}, only once the client and the
     * simulator are closed, so that nothing they log can follow it.
     *
     * @return the exit code: 0, or 1 when a measured request failed
     */
    public int run() throws InterruptedException {
        int warm = o.warmup() >= 0 ? o.warmup() : Math.max(o.requests() / 5, 20_000);
        Histogram latency = new ConcurrentHistogram(3);
        long failures;
        double seconds;
        CpuSnapshot cpu;
        SimulatorStats answers;
        String limitFigures;
        boolean stormCutShort;
        long connections;
        long peakHeapMb;
        long peakAfterGcMb;
        ApiFaults faults = o.faults();
        RetryPolicy retry = faults.any() ? RetryPolicy.defaults() : RetryPolicy.defaults().withMaxAttempts(1);
        try (Simulator simulator = Simulator.start(SimulatedApi.simulator(o.latencyMs(), o.concurrency(), o.eventLoops(),
                     faults.settings()));
             ZeroGpuClient client = ZeroGpuClient.create(SimulatedApi.client(simulator, o.concurrency(), o.eventLoops(),
                     retry, faults.any()).toBuilder().httpVersion(o.httpVersion()).build())) {
            ChatRequest request = ChatRequest.builder(ModelCatalog.IAB).user(SAMPLE_TEXT).build();
            out.printf("bench client: transport=%s, HTTP/%s, %d event loop(s) each for client and simulator, %d cores%n",
                    transport(), o.httpVersion().label(), o.eventLoops(), Runtime.getRuntime().availableProcessors());
            if (faults.any()) {
                out.printf("bench client: faults %s; retries as the service's defaults (Retry-After honoured), "
                        + "adaptive limit on, %d chains of calls%n", faults.summary(), o.chains());
            }
            out.printf("bench client: warming up with %d requests%s%n", warm,
                    o.warmup() >= 0 ? "" : ", then more until the JIT is nearly idle");
            out.flush();
            warmUp(client, request, warm);
            simulator.resetStats();
            try (RunSampler heap = RunSampler.start(50)) {
                CpuSnapshot before = CpuSnapshot.ofThisProcess(clientThreads);
                long start = System.nanoTime();
                try (LimitTrace trace = LimitTrace.start(client::concurrencyLimit, o.concurrency(), faults, simulator)) {
                    failures = run(client, request, o.requests(), latency);
                    seconds = (System.nanoTime() - start) / 1e9;
                    limitFigures = trace.summary();
                    stormCutShort = trace.stormCutShort();
                }
                cpu = CpuSnapshot.ofThisProcess(clientThreads).minus(before);
                peakHeapMb = heap.peakUsedMb();
                peakAfterGcMb = heap.peakAfterGcMb();
            }
            answers = simulator.stats();
            connections = client.stats().connections();
        }
        out.println(cpuLine(cpu, o.requests()));
        out.printf("bench client: HTTP/%s, %d connection(s) opened for %d calls in flight; heap peak used %d MB, peak "
                        + "after a GC %d MB (the whole JVM, client and simulator, sampled every 50 ms while measured)%n",
                o.httpVersion().label(), connections, o.concurrency(), peakHeapMb, peakAfterGcMb);
        long refused = answers.count(429);
        long serverErrors = answers.count(500) + answers.count(502) + answers.count(503) + answers.count(504);
        out.printf(Locale.ROOT, "bench client: the simulator answered %d attempts for the %d measured requests: %d "
                + "429 (%.2f%%), %d 5xx%n", answers.requests(), o.requests(), refused,
                share(refused, answers.requests()) * 100, serverErrors);
        if (stormCutShort) {
            out.printf("bench client: the measured requests ended before the storm did: ask for more --requests%n");
        }
        double throughput = o.requests() / seconds;
        double ceiling = o.latencyMs() == 0 ? Double.NaN : o.concurrency() / (o.latencyMs() / 1000.0);
        if (failures > 0) {
            out.printf("bench client: %d of %d requests failed%n", failures, o.requests());
        }
        out.println(String.format(Locale.ROOT,
                "bench client: requests=%d concurrency=%d latency_ms=%d throughput_rps=%.0f efficiency=%.3f "
                        + "p50_ms=%.1f p99_ms=%.1f %s answered_429=%.4f %s http_version=%s connections=%d "
                        + "cpu_us_per_request=%.1f peak_heap_mb=%d",
                o.requests(), o.concurrency(), o.latencyMs(), throughput, throughput / ceiling,
                latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0, faults.summary(),
                share(refused, answers.requests()), limitFigures, o.httpVersion().label(), connections,
                cpu.processNanos() / 1000.0 / o.requests(), peakHeapMb));
        out.flush();
        return failures == 0 ? 0 : 1;
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    private static String transport() {
        try {
            // The simulator's and the client's Vert.x are built with the same options, so one answers for both.
            Vertx probe = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
            String name = probe.isNativeTransportEnabled() ? "native epoll"
                    : "nio (" + probe.unavailableNativeTransportCause() + ")";
            probe.close();
            return name;
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** CPU per request over the measured phase, split by threads. */
    private static String cpuLine(CpuSnapshot used, int requests) {
        return String.format(Locale.ROOT, "bench client: cpu_us_per_request=%.1f (client event loops %.1f, "
                        + "simulator event loops %.1f, gc+vm %.1f, jit %.1f, other %.1f) cpu_cores_busy=%.2f "
                        + "gc_count=%d gc_ms=%d",
                used.processNanos() / 1000.0 / requests, used.ownLoopNanos() / 1000.0 / requests,
                used.otherLoopNanos() / 1000.0 / requests, used.gcNanos() / 1000.0 / requests,
                used.jitNanos() / 1000.0 / requests,
                (used.processNanos() - used.ownLoopNanos() - used.otherLoopNanos() - used.gcNanos() - used.jitNanos())
                        / 1000.0 / requests,
                (double) used.processNanos() / used.wallNanos(), used.gcCount(), used.gcMillis());
    }

    /** {@code first} unmeasured calls; with the adaptive warm-up, then rounds until the JIT is quiet. */
    private void warmUp(ZeroGpuClient client, ChatRequest request, int first) throws InterruptedException {
        if (o.warmup() >= 0) {
            unmeasured(client, request, first);
            return;
        }
        double ceiling = o.latencyMs() == 0 ? 20_000 : o.concurrency() * 1000.0 / o.latencyMs();
        int round = (int) Math.max(Math.max(10_000, 2 * o.concurrency()), Math.min(2 * ceiling, 50_000));
        JitWarmUp.Outcome w = new JitWarmUp(Duration.ZERO, Duration.ofSeconds(WARMUP_LIMIT_SECONDS), Duration.ZERO,
                JitWarmUp.shareOfProcessCpu(), System::nanoTime)
                .run(() -> unmeasured(client, request, first), () -> unmeasured(client, request, round));
        out.printf(Locale.ROOT, "bench client: warmed up with %d requests in %.1f s (JIT share of CPU in the last "
                + "round %.1f%%)%n", w.units(), w.seconds(), w.lastShareOr(1) * 100);
        out.flush();
    }

    private long unmeasured(ZeroGpuClient client, ChatRequest request, int count) throws InterruptedException {
        run(client, request, count, new ConcurrentHistogram(3));
        return count;
    }

    /** Runs {@code total} calls, {@code concurrency} at a time; returns how many failed. */
    private long run(ZeroGpuClient client, ChatRequest request, int total, Histogram latencyMicros)
            throws InterruptedException {
        AtomicLong toStart = new AtomicLong(total);
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        int chains = Math.min(o.chains(), total);
        for (int i = 0; i < chains; i++) {
            next(client, request, toStart, failures, done, latencyMicros);
        }
        if (!done.await(30, TimeUnit.MINUTES)) {
            throw new IllegalStateException("benchmark did not finish within 30 minutes");
        }
        return failures.get();
    }

    private void next(ZeroGpuClient client, ChatRequest request, AtomicLong toStart, AtomicLong failures,
                      CountDownLatch done, Histogram latencyMicros) {
        if (toStart.getAndDecrement() <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        client.complete(request).whenComplete((completion, error) -> {
            clientThreads.add(Thread.currentThread().getId());
            latencyMicros.recordValue(Math.max(1, (System.nanoTime() - t0) / 1_000));
            if (error != null) {
                failures.incrementAndGet();
            }
            done.countDown();
            next(client, request, toStart, failures, done, latencyMicros);
        });
    }
}
