package dev.enricher.cli;

import dev.enricher.client.ApiKey;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ClientConfig;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.RetryPolicy;
import dev.enricher.client.ZeroGpuClient;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Drives the client at a fixed concurrency against the in-process simulator with a fixed latency
 * and compares the throughput with Little's law (at most C / L calls per second). Closed loop:
 * C chains of calls, each starting its next call when the previous one ends, so the client is
 * always exactly at its ceiling and the queue in front of it stays empty.
 */
@Command(name = "client", mixinStandardHelpOptions = true,
        description = "Benchmarks the ZeroGPU client against the in-process simulator; the last line is "
                + "'bench client: requests=N concurrency=C latency_ms=L throughput_rps=X efficiency=Y p50_ms=A p99_ms=B'.")
final class BenchClientCommand implements java.util.concurrent.Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--latency-ms", defaultValue = "50", description = "Simulated API latency in ms (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--concurrency", defaultValue = "256", description = "Calls in flight (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--requests", defaultValue = "20000", description = "Measured requests (default ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--warmup", defaultValue = "-1",
            description = "Unmeasured requests first, so the JIT has compiled the hot path (default: a fifth of "
                    + "--requests, at least 20,000, then more rounds until the JIT compilers are nearly idle, at most "
                    + WARMUP_LIMIT_SECONDS + " s).")
    int warmup;

    /** Adaptive warm-up stops once the JIT compiler threads use less than this share of the process CPU in a round. */
    static final double JIT_QUIET_SHARE = 0.02;
    static final int WARMUP_LIMIT_SECONDS = 90;

    @Option(names = "--event-loops", defaultValue = "2",
            description = "Event loops of the client, and of the simulator (default ${DEFAULT-VALUE}).")
    int eventLoops;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (latencyMs < 0 || concurrency < 1 || requests < 1 || eventLoops < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--latency-ms must be >= 0, --concurrency, --requests and --event-loops >= 1");
        }
        int warm = warmup >= 0 ? warmup : Math.max(requests / 5, 20_000);
        SimulatorConfig simConfig = SimulatorConfig.builder()
                .fixedLatency(Duration.ofMillis(latencyMs))
                .maxConcurrency(Math.max(concurrency * 2, 1024))
                .queueCapacity(Math.max(concurrency * 4, 4096))
                .instances(eventLoops)
                .recentRequests(0) // no request log: the benchmark measures the client, not the log
                .build();
        try (Simulator simulator = Simulator.start(simConfig);
             ZeroGpuClient client = ZeroGpuClient.create(ClientConfig.builder()
                     .baseUrl(simulator.baseUrl())
                     .apiKey(ApiKey.of("zgpu-api-bench"))
                     .maxInFlight(concurrency)
                     .adaptiveConcurrency(false)
                     .eventLoops(eventLoops)
                     .retry(RetryPolicy.defaults().withMaxAttempts(1))
                     .build())) {
            ChatRequest request = ChatRequest.builder(ModelCatalog.IAB).user(SAMPLE_TEXT).build();
            out.printf("bench client: transport=%s, %d event loop(s) each for client and simulator, %d cores%n",
                    transport(simulator), eventLoops, Runtime.getRuntime().availableProcessors());
            out.printf("bench client: warming up with %d requests%s%n", warm,
                    warmup >= 0 ? "" : ", then more until the JIT is nearly idle");
            out.flush();
            warmUp(client, request, warm, out);
            Histogram latency = new ConcurrentHistogram(3);
            CpuSnapshot cpuBefore = CpuSnapshot.take(clientThreads);
            long start = System.nanoTime();
            long failures = run(client, request, requests, latency);
            double seconds = (System.nanoTime() - start) / 1e9;
            CpuSnapshot cpuAfter = CpuSnapshot.take(clientThreads);
            out.println(cpuAfter.minus(cpuBefore).describe(requests, seconds));
            double throughput = requests / seconds;
            double ceiling = latencyMs == 0 ? Double.NaN : concurrency / (latencyMs / 1000.0);
            double efficiency = throughput / ceiling;
            if (failures > 0) {
                out.printf("bench client: %d of %d requests failed%n", failures, requests);
            }
            out.println(String.format(Locale.ROOT,
                    "bench client: requests=%d concurrency=%d latency_ms=%d throughput_rps=%.0f efficiency=%.3f "
                            + "p50_ms=%.1f p99_ms=%.1f",
                    requests, concurrency, latencyMs, throughput, efficiency,
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0));
            out.flush();
            return failures == 0 ? 0 : 1;
        }
    }

    /** Ids of the threads that complete client calls: the client's event loops (for the CPU split). */
    private final java.util.Set<Long> clientThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static String transport(Simulator simulator) {
        try {
            // The simulator's and the client's Vert.x are built with the same options, so one answers for both.
            io.vertx.core.Vertx probe = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions()
                    .setEventLoopPoolSize(1).setPreferNativeTransport(true));
            String name = probe.isNativeTransportEnabled() ? "native epoll" : "nio (" + probe.unavailableNativeTransportCause() + ")";
            probe.close();
            return name;
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * CPU time of the process and of its thread groups, for CPU per request over the measured phase only.
     * Java threads through ThreadMXBean (client vs simulator event loops); GC and JIT threads, which
     * ThreadMXBean does not list, from /proc/self/task on Linux (absent elsewhere: reported as 0).
     */
    record CpuSnapshot(long processNanos, long clientLoopNanos, long serverLoopNanos, long gcNanos,
                               long jitNanos, long gcCount, long gcMillis) {
        static CpuSnapshot take(java.util.Set<Long> clientThreads) {
            long process = ((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long clientLoops = 0;
            long serverLoops = 0;
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null || !info.getThreadName().startsWith("vert.x-eventloop")) {
                    continue;
                }
                long t = Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
                if (clientThreads.contains(info.getThreadId())) {
                    clientLoops += t;
                } else {
                    serverLoops += t;
                }
            }
            long gc = 0;
            long jit = 0;
            java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
            long tick = 10_000_000L; // USER_HZ = 100 on Linux
            if (tasks != null) {
                for (java.io.File task : tasks) {
                    try {
                        String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
                        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        long nanos = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * tick;
                        if (comm.startsWith("GC ") || comm.startsWith("G1 ") || comm.startsWith("VM Thread")) {
                            gc += nanos;
                        } else if (comm.startsWith("C1 ") || comm.startsWith("C2 ")) {
                            jit += nanos;
                        }
                    } catch (java.io.IOException | RuntimeException ignored) {
                        // the thread ended meanwhile
                    }
                }
            }
            long count = 0;
            long millis = 0;
            for (java.lang.management.GarbageCollectorMXBean gcBean
                    : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gcBean.getCollectionCount());
                millis += Math.max(0, gcBean.getCollectionTime());
            }
            return new CpuSnapshot(process, clientLoops, serverLoops, gc, jit, count, millis);
        }

        CpuSnapshot minus(CpuSnapshot o) {
            return new CpuSnapshot(processNanos - o.processNanos, clientLoopNanos - o.clientLoopNanos,
                    serverLoopNanos - o.serverLoopNanos, gcNanos - o.gcNanos, jitNanos - o.jitNanos,
                    gcCount - o.gcCount, gcMillis - o.gcMillis);
        }

        String describe(int requests, double seconds) {
            double perRequest = processNanos / 1000.0 / requests;
            return String.format(Locale.ROOT, "bench client: cpu_us_per_request=%.1f (client event loops %.1f, "
                            + "simulator event loops %.1f, gc+vm %.1f, jit %.1f, other %.1f) cpu_cores_busy=%.2f "
                            + "gc_count=%d gc_ms=%d",
                    perRequest, clientLoopNanos / 1000.0 / requests, serverLoopNanos / 1000.0 / requests,
                    gcNanos / 1000.0 / requests, jitNanos / 1000.0 / requests,
                    (processNanos - clientLoopNanos - serverLoopNanos - gcNanos - jitNanos) / 1000.0 / requests,
                    processNanos / 1e9 / seconds, gcCount, gcMillis);
        }
    }

    /**
     * Runs {@code first} unmeasured calls; with the default --warmup, then rounds of about two seconds each until
     * the JIT threads used less than {@link #JIT_QUIET_SHARE} of the process CPU in a round: after only 20,000
     * calls C2 is still compiling the hot path, and on 2 cores its CPU and the not-yet-compiled code cost about a
     * tenth of the throughput of the measured phase.
     */
    private void warmUp(ZeroGpuClient client, ChatRequest request, int first, PrintWriter out)
            throws InterruptedException {
        long start = System.nanoTime();
        run(client, request, first, new ConcurrentHistogram(3));
        if (warmup >= 0) {
            return;
        }
        double ceiling = latencyMs == 0 ? 20_000 : concurrency * 1000.0 / latencyMs;
        int round = (int) Math.max(Math.max(10_000, 2 * concurrency), Math.min(2 * ceiling, 50_000));
        long total = first;
        double share = 1;
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(WARMUP_LIMIT_SECONDS)) {
            CpuSnapshot before = CpuSnapshot.take(clientThreads);
            run(client, request, round, new ConcurrentHistogram(3));
            CpuSnapshot used = CpuSnapshot.take(clientThreads).minus(before);
            total += round;
            share = used.processNanos() <= 0 ? 0 : (double) used.jitNanos() / used.processNanos();
            if (share < JIT_QUIET_SHARE) {
                break;
            }
        }
        out.printf(Locale.ROOT, "bench client: warmed up with %d requests in %.1f s (JIT share of CPU in the last "
                + "round %.1f%%)%n", total, (System.nanoTime() - start) / 1e9, share * 100);
        out.flush();
    }

    /** Runs {@code total} calls, {@code concurrency} at a time; returns how many failed. */
    private long run(ZeroGpuClient client, ChatRequest request, int total, Histogram latencyMicros)
            throws InterruptedException {
        AtomicLong toStart = new AtomicLong(total);
        AtomicLong failures = new AtomicLong();
        CountDownLatch done = new CountDownLatch(total);
        int chains = Math.min(concurrency, total);
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

    static final String SAMPLE_TEXT = "The home side clinched the championship with a late goal in extra time, "
            + "sending thousands of football fans into the streets. Analysts say the club's investment in young "
            + "players and a new training ground paid off, while ticket prices for next season are expected to rise.";
}
