package dev.enricher.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.enricher.bench.ScaleBenchmark.Options;
import dev.enricher.bench.ScaleBenchmark.Result;
import dev.enricher.local.EmbeddedKafka;
import dev.enricher.serde.CachingSchemaRegistry;
import dev.enricher.serde.HttpSchemaRegistry;
import dev.enricher.serde.RegistryConfig;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.simulator.Simulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One point of {@code bench scale}: N instances of the service, each {@code stream-enricher run} in a child JVM on a
 * generated configuration, in one consumer group (one application id) on fresh topics.
 *
 * <p>Steps: N - 1 instances start (one when N = 1) and a closed-loop load of {@code windowFactor x N x C} unfinished
 * events begins, so the N - 1 run with a backlog, as a service about to be scaled out does; once they all run and
 * outputs flow, and {@code settle} more, the N-th instance is launched (the join, timed from its launch: its
 * "running" line, its first {@code /health/ready}, its first enriched record); once every instance is ready and the
 * new one produced, and {@code settle} more, and once the aggregate throughput (trailing 2 L) reached
 * {@value ScaleBenchmark#SHARE} of N x C / L (at most {@code maxSettle} more), the steady window: the throughput is
 * what the reader saw in it, the CPU
 * what the instances' JVMs used in it. Then the load stops, every event produced is waited for, the instances stop
 * (SIGTERM, in parallel) and the reader accounts for every event: lost, duplicated. The moment the joining instance
 * carried its share is read off the recorded output counts afterwards: the first trailing window of 2 L (at least
 * 1 s) ending after its first output whose rate reached {@value ScaleBenchmark#SHARE} of the steady rate.
 *
 * <p>The child JVMs are stopped whatever happens, also when the harness JVM is stopped (a shutdown hook kills them).
 * Prints a line per step; not thread-safe.
 */
final class ScaleRun {
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    static final Duration STALL = Duration.ofSeconds(120);
    static final Duration SAMPLE_EVERY = Duration.ofMillis(100);
    /** How often the instances' health and metrics endpoints are asked while waiting for them. */
    static final Duration HTTP_EVERY = Duration.ofMillis(250);
    /** Events the load produces per call; small, so that stopping it does not wait for a large batch. */
    private static final int CHUNK = 16;
    private static final ObjectMapper YAML = new YAMLMapper();

    private final Options o;
    private final EmbeddedKafka kafka;
    private final Simulator simulator;
    private final String registryUrl;
    private final ScratchDir tmp;
    private final PrintWriter out;

    ScaleRun(Options o, EmbeddedKafka kafka, Simulator simulator, String registryUrl, ScratchDir tmp, PrintWriter out) {
        this.o = o;
        this.kafka = kafka;
        this.simulator = simulator;
        this.registryUrl = registryUrl;
        this.tmp = tmp;
        this.out = out;
    }

    /** Runs the point of {@code n} instances; its figures once every instance is stopped. */
    Result point(int n) throws IOException, InterruptedException {
        String prefix = "scale-" + n;
        String input = prefix + "-input";
        String enriched = prefix + "-enriched";
        String deadLetters = prefix + "-dead-letters";
        for (String topic : List.of(input, enriched, deadLetters)) {
            kafka.createTopic(topic, o.partitions());
        }
        Path dir = Files.createDirectories(tmp.resolve(prefix));
        List<Path> configs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path file = dir.resolve("instance-" + i + ".yaml");
            Files.writeString(file, instanceYaml(o, kafka.bootstrapServers(), simulator.baseUrl(), registryUrl,
                    prefix + "-app", input, enriched, deadLetters, dir.resolve("instance-" + i + "-state")));
            configs.add(file);
        }
        int window = o.window(n);
        int first = Math.max(1, n - 1);
        printf("bench scale: [N=%d] %d instance%s first, then %s; closed loop of %d unfinished events; ideal "
                        + "N x C / L = %.0f events/s", n, first, first == 1 ? "" : "s", n > 1 ? "one joins under load" : "no join",
                window, o.ideal(n));
        List<ServiceInstance> instances = new ArrayList<>();
        Thread orphans = new Thread(() -> instances.forEach(ServiceInstance::destroy), "bench-scale-orphans");
        Runtime.getRuntime().addShutdownHook(orphans);
        SchemaRegistry registry = CachingSchemaRegistry.of(new HttpSchemaRegistry(RegistryConfig.of(registryUrl)));
        AtomicLong produced = new AtomicLong();
        AtomicReference<RuntimeException> loadFailure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        ThroughputTrace trace = new ThroughputTrace();
        try (OutputTracker tracker = OutputTracker.start(kafka.bootstrapServers(), enriched, deadLetters, registry,
                     o.latencyMs());
             LoadGenerator load = new LoadGenerator(kafka.bootstrapServers(), input, o.keys(), window,
                     tracker::firstOutputs, o.seed())) {
            for (int i = 0; i < first; i++) {
                instances.add(start(prefix, i, configs.get(i), dir));
            }
            Thread producer = new Thread(() -> produce(load, tracker, produced, stop, loadFailure),
                    "bench-scale-load");
            producer.setDaemon(true);
            producer.start();
            try {
                Sampler s = new Sampler(tracker, trace, instances, loadFailure);
                Throttle poll = new Throttle(HTTP_EVERY);
                s.until("the first instances run and produce", READY_TIMEOUT,
                        () -> tracker.firstOutputs() > 0 && poll.due() && allReady(instances));
                printf("bench scale: [N=%d] %d running, outputs flowing; settling %d ms", n, first,
                        o.settle().toMillis());
                s.during(o.settle());
                long launch = -1;
                long readyAt = -1;
                long firstOutputAt = -1;
                ServiceInstance joiner = null;
                if (n > 1) {
                    joiner = start(prefix, n - 1, configs.get(n - 1), dir);
                    instances.add(joiner);
                    launch = joiner.launchNanos();
                    ServiceInstance j = joiner;
                    long[] marks = {-1, -1};
                    s.until("instance " + (n - 1) + " joins and produces", READY_TIMEOUT, () -> {
                        if (!poll.due()) {
                            return false;
                        }
                        if (marks[0] < 0 && j.ready()) {
                            marks[0] = System.nanoTime();
                        }
                        // Its metrics only once it runs: a scrape costs a cold JVM more than a health check.
                        if (marks[0] >= 0 && marks[1] < 0) {
                            OptionalLong e = j.enriched();
                            if (e.isPresent() && e.getAsLong() > 0) {
                                marks[1] = System.nanoTime();
                            }
                        }
                        return marks[0] >= 0 && marks[1] >= 0 && allReady(instances);
                    });
                    readyAt = marks[0];
                    firstOutputAt = marks[1];
                    printf("bench scale: [N=%d] instance %d joined: running after %d ms, ready after %d ms, first "
                                    + "output after %d ms (from its launch); settling %d ms", n, n - 1,
                            millis(joiner.startedNanos() - launch), millis(readyAt - launch),
                            millis(firstOutputAt - launch), o.settle().toMillis());
                    s.during(o.settle());
                }
                long settled = System.nanoTime();
                long windowNanos = o.shareWindow().toNanos();
                double target = ScaleBenchmark.SHARE * o.ideal(n);
                boolean steady = s.within(o.maxSettle(), () -> {
                    long now = System.nanoTime();
                    return trace.rate(now - windowNanos, now) >= target;
                });
                printf("bench scale: [N=%d] %s after %d ms more; steady window of %d s", n, steady
                                ? String.format(Locale.ROOT, "throughput at %.1f of N x C / L", ScaleBenchmark.SHARE)
                                : String.format(Locale.ROOT, "throughput still under %.1f of N x C / L",
                                        ScaleBenchmark.SHARE), millis(System.nanoTime() - settled),
                        o.steadyWindow().toSeconds());
                CpuSnapshot[] cpuBefore = cpu(instances);
                long jitBefore = jitNanos(instances);
                CpuSnapshot harnessBefore = CpuSnapshot.ofThisProcess();
                long from = s.sample();
                s.during(o.steadyWindow());
                long to = s.sample();
                CpuSnapshot[] cpuAfter = cpu(instances);
                long jit = jitNanos(instances) - jitBefore;
                CpuSnapshot harness = CpuSnapshot.ofThisProcess().minus(harnessBefore);
                double eps = trace.rate(from, to);
                long inWindow = Math.round(trace.countAt(to) - trace.countAt(from));
                double cpuMs = cpuMsPerEvent(cpuBefore, cpuAfter, inWindow);
                double seconds = (to - from) / 1e9;
                printf("bench scale: [N=%d] steady window %.1f s: %d events, %.1f events/s (%.3f of N x C / L); CPU "
                                + "cores used: instances %.2f (their JIT %.2f), this JVM (broker, simulator, load, "
                                + "reader) %s; load average %s", n, seconds, inWindow, eps, eps / o.ideal(n),
                        Double.isNaN(cpuMs) ? Double.NaN : cpuMs * inWindow / 1000 / seconds,
                        jit < 0 ? Double.NaN : jit / 1e9 / seconds,
                        harness.knowsProcessCpu() ? String.format(Locale.ROOT, "%.2f",
                                harness.processNanos() / 1e9 / seconds) : "-", loadAverage());
                stop.set(true);
                producer.join(TimeUnit.SECONDS.toMillis(30));
                if (producer.isAlive()) {
                    throw new IllegalStateException("the load did not stop within 30 s");
                }
                long total = produced.get();
                s.until("every event produced has its output", STALL.plusSeconds(60), () -> {
                    if (tracker.firstOutputs() >= total) {
                        return true;
                    }
                    if (System.nanoTime() - tracker.lastProgressNanos() > STALL.toNanos()) {
                        throw new IllegalStateException("no output for " + STALL.toSeconds() + " s while draining: "
                                + tracker.firstOutputs() + " of " + total + " events have one");
                    }
                    return false;
                });
                long shareAt = -1;
                if (n > 1) {
                    // Not before the new instance produced: until then the others may still run on their backlog.
                    long reached = trace.firstReaching(ScaleBenchmark.SHARE * eps, firstOutputAt,
                            o.shareWindow().toNanos());
                    shareAt = reached >= 0 && reached <= to ? reached : -1;
                }
                List<double[]> joinTrace = n > 1
                        ? trace.trailingRates(launch, launch - o.settle().toNanos() - o.shareWindow().toNanos(), to,
                                o.shareWindow().toNanos())
                        : List.of();
                long startedMs = n > 1 ? millis(joiner.startedNanos() - launch) : -1;
                stopAll(instances);
                // Outputs of the last commits (a duplicate would be one) reach the reader within a few polls.
                TimeUnit.SECONDS.sleep(1);
                tracker.close();
                OutputTracker.Summary summary = tracker.summary();
                long lost = total - summary.withOutput();
                return new Result(n, eps, o.ideal(n), cpuMs, total, lost, summary.duplicates(), startedMs,
                        n > 1 ? millis(readyAt - launch) : -1, n > 1 ? millis(firstOutputAt - launch) : -1,
                        n > 1 ? (shareAt < 0 ? -1 : millis(shareAt - launch)) : -1, joinTrace);
            } finally {
                stop.set(true);
                producer.interrupt();
                producer.join(TimeUnit.SECONDS.toMillis(30));
            }
        } finally {
            stopAll(instances);
            registry.close();
            try {
                Runtime.getRuntime().removeShutdownHook(orphans);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs now
            }
        }
    }

    /**
     * The configuration file of one instance: the run's broker, topics, registry and API (the key from the
     * environment), the given guarantee, {@code engine.max-in-flight} = C, one {@code iab} task, JSON input, the
     * stored call results off (every event costs one call, so the API is the limit) and the health and metrics
     * server on a free port of 127.0.0.1. Everything else is the service's defaults.
     */
    static String instanceYaml(Options o, String bootstrap, String apiUrl, String registryUrl, String applicationId,
                               String input, String enriched, String deadLetters, Path stateDir) {
        Map<String, Object> root = new LinkedHashMap<>();
        Map<String, Object> kafkaSection = new LinkedHashMap<>();
        kafkaSection.put("bootstrap-servers", bootstrap);
        kafkaSection.put("application-id", applicationId);
        kafkaSection.put("input-topic", input);
        kafkaSection.put("enriched-topic", enriched);
        kafkaSection.put("dead-letter-topic", deadLetters);
        kafkaSection.put("guarantee", o.guarantee().streamsValue());
        kafkaSection.put("state-dir", stateDir.toString());
        root.put("kafka", kafkaSection);
        root.put("input", new LinkedHashMap<>(Map.of("format", "json", "text-pointer", "/text", "id-pointer", "/id")));
        Map<String, Object> api = new LinkedHashMap<>();
        api.put("base-url", apiUrl);
        api.put("api-key", "${" + dev.enricher.client.ApiKey.ENV_VAR + "}");
        root.put("api", api);
        Map<String, Object> engine = new LinkedHashMap<>();
        engine.put("max-in-flight", o.concurrency());
        // Room for every call's event and as many waiting, as bench peers gives its engine contender.
        engine.put("max-pending-per-task", Math.max(1024, 2 * o.concurrency()));
        root.put("engine", engine);
        root.put("registry", new LinkedHashMap<>(Map.of("url", registryUrl)));
        root.put("cache", new LinkedHashMap<>(Map.of("enabled", false)));
        root.put("ops", new LinkedHashMap<>(Map.of("host", "127.0.0.1", "port", 0)));
        root.put("tasks", List.of(new LinkedHashMap<>(Map.of("name", "iab", "type", "iab"))));
        try {
            return YAML.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ServiceInstance start(String prefix, int index, Path config, Path dir) {
        return ServiceInstance.start(prefix + "-i" + index, System.getProperty("java.class.path"),
                List.of("-Xmx" + o.childHeapMb() + "m", "-XX:+ExitOnOutOfMemoryError"), config,
                Map.of(dev.enricher.client.ApiKey.ENV_VAR, SimulatedApi.API_KEY), dir);
    }

    /** The load thread: chunks of events as the window lets them go, until stopped (or interrupted) or stalled. */
    private static void produce(LoadGenerator load, OutputTracker tracker, AtomicLong produced, AtomicBoolean stop,
                                AtomicReference<RuntimeException> failure) {
        try {
            while (!stop.get()) {
                int n = load.produce(OutputTracker.MEASURED_PREFIX, produced.get(), CHUNK, tracker::lastProgressNanos,
                        STALL);
                produced.addAndGet(n);
                if (n < CHUNK) {
                    failure.compareAndSet(null, new IllegalStateException("no output for " + STALL.toSeconds()
                            + " s while producing"));
                    return;
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (RuntimeException e) {
            if (!stop.get()) {
                failure.compareAndSet(null, e);
            }
        }
    }

    private static boolean allReady(List<ServiceInstance> instances) throws InterruptedException {
        for (ServiceInstance i : instances) {
            if (!i.ready()) {
                return false;
            }
        }
        return true;
    }

    private static CpuSnapshot[] cpu(List<ServiceInstance> instances) {
        return instances.stream().map(ServiceInstance::cpu).toArray(CpuSnapshot[]::new);
    }

    private static double cpuMsPerEvent(CpuSnapshot[] before, CpuSnapshot[] after, long events) {
        long nanos = 0;
        for (int i = 0; i < before.length; i++) {
            CpuSnapshot d = after[i].minus(before[i]);
            if (!d.knowsProcessCpu()) {
                return Double.NaN;
            }
            nanos += d.processNanos();
        }
        return events > 0 ? nanos / 1e6 / events : Double.NaN;
    }

    /** The JIT compiler threads' CPU time of all instances; -1 when unknown. */
    private static long jitNanos(List<ServiceInstance> instances) {
        long sum = 0;
        for (ServiceInstance i : instances) {
            long j = i.jitNanos();
            if (j < 0) {
                return -1;
            }
            sum += j;
        }
        return sum;
    }

    /** The machine's load averages over 1, 5 and 15 minutes ({@code /proc/loadavg}), or "-": others share the cores. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "-";
        }
    }

    /** SIGTERM to every instance at once, then waits for each (killing the ones that take too long). */
    private static void stopAll(List<ServiceInstance> instances) {
        instances.forEach(ServiceInstance::terminate);
        instances.forEach(ServiceInstance::close);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private void printf(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }

    /** Says yes at most once per period: the instances' HTTP endpoints are asked less often than the reader is sampled. */
    private static final class Throttle {
        private final long periodNanos;
        private long last;
        private boolean asked;

        Throttle(Duration period) {
            this.periodNanos = period.toNanos();
        }

        boolean due() {
            long now = System.nanoTime();
            if (asked && now - last < periodNanos) {
                return false;
            }
            asked = true;
            last = now;
            return true;
        }
    }

    /** A condition that may call the instances over HTTP. */
    @FunctionalInterface
    private interface Check {
        boolean test() throws InterruptedException;
    }

    /**
     * Samples the reader's output count into the trace every {@link #SAMPLE_EVERY} while waiting, and fails fast when
     * an instance exited, the load failed or the reader did.
     */
    private static final class Sampler {
        private final OutputTracker tracker;
        private final ThroughputTrace trace;
        private final List<ServiceInstance> instances;
        private final AtomicReference<RuntimeException> loadFailure;

        Sampler(OutputTracker tracker, ThroughputTrace trace, List<ServiceInstance> instances,
                AtomicReference<RuntimeException> loadFailure) {
            this.tracker = tracker;
            this.trace = trace;
            this.instances = instances;
            this.loadFailure = loadFailure;
        }

        /** Takes a sample now; returns its time. */
        long sample() {
            long now = System.nanoTime();
            trace.add(now, tracker.firstOutputs());
            return now;
        }

        /** Samples until {@code done} holds, at most for {@code timeout}; returns whether it held. */
        boolean within(Duration timeout, Check done) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean[] held = {false};
            until(null, null, () -> {
                held[0] = done.test();
                return held[0] || System.nanoTime() >= deadline;
            });
            return held[0];
        }

        /** Samples for {@code d}. */
        void during(Duration d) throws InterruptedException {
            long end = System.nanoTime() + d.toNanos();
            until(null, null, () -> System.nanoTime() >= end);
        }

        /**
         * Samples until {@code done} holds.
         *
         * @throws IllegalStateException naming {@code what} after {@code timeout}, or when an instance exited or the
         *                               load failed
         */
        void until(String what, Duration timeout, Check done) throws InterruptedException {
            long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            long next = System.nanoTime();
            while (true) {
                sample();
                RuntimeException failure = loadFailure.get();
                if (failure != null) {
                    throw new IllegalStateException("the load failed: " + failure.getMessage(), failure);
                }
                for (ServiceInstance i : instances) {
                    if (!i.isAlive()) {
                        throw new IllegalStateException("instance " + i.name() + " exited; its last lines:\n"
                                + i.tail());
                    }
                }
                if (done.test()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    StringBuilder b = new StringBuilder("waited " + timeout.toSeconds() + " s in vain for: " + what);
                    for (ServiceInstance i : instances) {
                        b.append("\ninstance ").append(i.name()).append(": ").append(i.tail());
                    }
                    throw new IllegalStateException(b.toString());
                }
                next += SAMPLE_EVERY.toNanos();
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the sampling period
                } else {
                    next = System.nanoTime();
                }
            }
        }
    }
}
