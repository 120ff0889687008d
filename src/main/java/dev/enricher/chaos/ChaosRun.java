package dev.enricher.chaos;

import dev.enricher.config.ConfigException;
import dev.enricher.config.EnricherConfig;
import dev.enricher.local.EmbeddedKafka;
import dev.enricher.simulator.FaultSettings;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tools.Pacer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One chaos run: an in-process broker and simulator, N instances of the real service in child JVMs, a steady keyed
 * stream with record faults at a known rate, a seeded schedule of faults, a drain, and the exact check of the topics.
 *
 * <p>Threads: the caller's runs the whole and prints progress; one thread produces, one injects the faults, one
 * follows the outputs. Everything it starts is stopped before {@link #run} returns, whatever happened.
 */
public final class ChaosRun {
    /** The environment variable the instances read their API key from (never written to a file or a log). */
    static final String API_KEY_ENV = "ZEROGPU_API_KEY";
    static final String INPUT_TOPIC = "chaos-input";
    static final String ENRICHED_TOPIC = "chaos-enriched";
    static final String DEAD_LETTER_TOPIC = "chaos-dead-letters";
    static final int INPUT_PARTITIONS = 6;
    private static final int KEYS = 60;
    private static final Duration READ_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(3);
    private static final long PROGRESS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final String REBALANCE_LINE = "Kafka Streams state RUNNING -> REBALANCING";

    private final ChaosSettings settings;
    private final PrintWriter out;
    private final String apiKey;
    private final Path workDir;
    private final List<FaultRecord> faults = new ArrayList<>();
    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong produceErrors = new AtomicLong();
    private volatile boolean producing = true;
    private volatile String currentFault = "-";
    private EmbeddedKafka broker;
    private Path brokerDir;
    private int brokerPort;

    private ChaosRun(ChaosSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
        byte[] secret = new byte[12];
        new SecureRandom().nextBytes(secret);
        this.apiKey = "zgpu-chaos-" + HexFormat.of().formatHex(secret);
        this.workDir = settings.workDir();
    }

    /**
     * Runs the chaos and returns its report (already printed, summary line last).
     *
     * @throws ConfigException         when the configuration the instances would run with is invalid (nothing runs)
     * @throws IllegalArgumentException when the user's configuration file cannot be read
     */
    public static ChaosReport run(ChaosSettings settings, PrintWriter out) throws InterruptedException {
        return new ChaosRun(settings, out).run();
    }

    private ChaosReport run() throws InterruptedException {
        Map<String, Object> userConfig = settings.userConfig() == null ? Map.of() : ChaosConfig.read(settings.userConfig());
        out.printf(Locale.ROOT, "chaos: seed=%d instances=%d guarantee=%s events/s=%.0f faults=%s duration=%ds, "
                        + "work directory %s%n", settings.seed(), settings.instances(),
                settings.guarantee().streamsValue(), settings.eventsPerSecond(),
                settings.faults().stream().map(FaultKind::label).toList(), settings.duration().toSeconds(), workDir);
        out.flush();
        brokerDir = workDir.resolve("kafka");
        broker = EmbeddedKafka.start(brokerDir, 0);
        List<Instance> instances = new ArrayList<>();
        // Ctrl-C (or a killed test JVM) must not leave the instances running on their own.
        Thread orphans = new Thread(() -> instances.forEach(Instance::destroy), "chaos-orphans");
        Runtime.getRuntime().addShutdownHook(orphans);
        Simulator simulator = null;
        ChaosReport report;
        try {
            Files.createDirectories(workDir);
            brokerPort = Integer.parseInt(broker.bootstrapServers().substring(
                    broker.bootstrapServers().lastIndexOf(':') + 1));
            broker.createTopic(INPUT_TOPIC, INPUT_PARTITIONS);
            broker.createTopic(ENRICHED_TOPIC, INPUT_PARTITIONS);
            broker.createTopic(DEAD_LETTER_TOPIC, 2);
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put(API_KEY_ENV, apiKey);
            // The configuration of instance 0 stands for all of them (they differ in state directory only).
            EnricherConfig config = EnricherConfig.parse(ChaosConfig.instanceYaml(userConfig, settings, brokerPort, null, 0), env, "chaos configuration");
            Duration maxPoll = Duration.ofMillis(Long.parseLong(config.streamsProperties()
                    .getOrDefault("max.poll.interval.ms", "20000")));
            String scheme = config.client().authScheme();
            simulator = Simulator.start(SimulatorConfig.builder().host("127.0.0.1").port(0)
                    .fixedLatency(Duration.ofMillis(settings.latencyMs())).seed(settings.seed())
                    .acceptedApiKey(apiKey).authHeader(config.client().authHeader())
                    .authScheme(scheme == null || scheme.isBlank() ? null : scheme)
                    .maxConcurrency(8_192).queueCapacity(16_384).recentRequests(0).build());
            for (int i = 0; i < settings.instances(); i++) {
                Path dir = Files.createDirectories(workDir.resolve("instance-" + i));
                Path file = dir.resolve("enricher.yaml");
                Files.writeString(file, ChaosConfig.instanceYaml(userConfig, settings, brokerPort, simulator.baseUrl(), i));
                instances.add(new Instance(i, javaBinary(), System.getProperty("java.class.path"),
                        List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"), file, dir.resolve("instance.log"),
                        Map.of(API_KEY_ENV, apiKey)));
            }
            instances.forEach(Instance::start);
            report = runWith(simulator, config, instances, maxPoll.plusSeconds(5));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (Instance i : instances) {
                i.close();
            }
            if (simulator != null) {
                simulator.close();
            }
            broker.close();
            try {
                Runtime.getRuntime().removeShutdownHook(orphans);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs now
            }
        }
        long keyInLogs = 0;
        long rebalances = 0;
        for (Instance i : instances) {
            keyInLogs += countLines(i.log(), apiKey);
            rebalances += countLines(i.log(), REBALANCE_LINE);
        }
        report = new ChaosReport(report.verdict(), report.faults(), report.paidCalls(), keyInLogs, rebalances,
                report.produceErrors());
        boolean delete = report.passed() && !settings.keep();
        if (!delete) {
            out.println("chaos: instance logs, configurations and data kept in " + workDir);
        }
        report.print(out);
        if (delete) {
            deleteTree(workDir);
        }
        return report;
    }

    private ChaosReport runWith(Simulator simulator, EnricherConfig config, List<Instance> instances, Duration outage)
            throws InterruptedException {
        ExpectedResults expected = new ExpectedResults(config.tasks(), simulator);
        org.apache.avro.Schema enrichedSchema = dev.enricher.topology.OutputSchema.of(config.tasks());
        List<ScheduledFault> schedule = FaultSchedule.plan(settings.faults(), settings.duration(),
                settings.instances(), settings.seed(), outage);
        try (OutputWatcher watcher = new OutputWatcher(broker.bootstrapServers(), ENRICHED_TOPIC, DEAD_LETTER_TOPIC,
                enrichedSchema)) {
            Thread producer = new Thread(this::produce, "chaos-producer");
            producer.setDaemon(true);
            producer.start();
            long runStart = System.nanoTime();
            waitForFlow(watcher, instances, runStart);
            long phaseStart = System.nanoTime();
            Thread injector = new Thread(() -> inject(schedule, simulator, instances, watcher, phaseStart),
                    "chaos-faults");
            injector.setDaemon(true);
            injector.start();
            long nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
            while (injector.isAlive()) {
                injector.join(200);
                trackRecovery(watcher);
                if (System.nanoTime() >= nextProgress) {
                    progress("faults", watcher, instances, runStart);
                    nextProgress += PROGRESS_EVERY_NANOS;
                }
            }
            producing = false;
            producer.join(TimeUnit.MINUTES.toMillis(5));
            long drainDeadline = System.nanoTime() + settings.drainTimeout().toNanos();
            while (watcher.accounted() < produced.get() && System.nanoTime() < drainDeadline) {
                Thread.sleep(200);
                trackRecovery(watcher);
                if (System.nanoTime() >= nextProgress) {
                    progress("drain", watcher, instances, runStart);
                    nextProgress += PROGRESS_EVERY_NANOS;
                }
            }
            trackRecovery(watcher);
            progress(watcher.accounted() < produced.get() ? "drain timed out" : "drained", watcher, instances,
                    runStart);
        }
        for (Instance i : instances) {
            i.stop();
        }
        long paid = simulator.stats().count(200);
        Checker checker = new Checker(expected::of, expected::actual, config.callResults().enabled());
        String bootstrap = broker.bootstrapServers();
        Verdict verdict = checker.check(TopicRecords.inputs(bootstrap, INPUT_TOPIC, READ_TIMEOUT),
                TopicRecords.enriched(bootstrap, ENRICHED_TOPIC, enrichedSchema, READ_TIMEOUT),
                TopicRecords.deadLetters(bootstrap, DEAD_LETTER_TOPIC, READ_TIMEOUT), settings.exactlyOnce());
        return new ChaosReport(verdict, List.copyOf(faults), paid, 0, 0, produceErrors.get());
    }

    /** Waits until every instance runs and outputs flow, so that the faults hit a service at full speed. */
    private void waitForFlow(OutputWatcher watcher, List<Instance> instances, long runStart)
            throws InterruptedException {
        long deadline = System.nanoTime() + WARM_UP_LIMIT.toNanos();
        long nextProgress = System.nanoTime() + PROGRESS_EVERY_NANOS;
        long flowingSince = -1;
        while (System.nanoTime() < deadline) {
            for (Instance i : instances) {
                if (!i.alive()) {
                    throw new IllegalStateException("instance " + i.index() + " exited during the warm-up; see "
                            + i.log());
                }
            }
            if (watcher.accounted() > 0 && flowingSince < 0) {
                flowingSince = System.nanoTime();
            }
            // Ten seconds of flow: every instance has joined, restored and sent its first calls.
            if (flowingSince > 0 && System.nanoTime() - flowingSince > TimeUnit.SECONDS.toNanos(10)) {
                return;
            }
            if (System.nanoTime() >= nextProgress) {
                progress("warm-up", watcher, instances, runStart);
                nextProgress += PROGRESS_EVERY_NANOS;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no output within " + WARM_UP_LIMIT.toSeconds() + " s of the start; see the "
                + "instance logs under " + workDir);
    }

    private void produce() {
        ChaosStream stream = new ChaosStream(settings.seed(), KEYS, settings.poisonRate());
        Pacer pacer = Pacer.perSecond(settings.eventsPerSecond());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A broker restart must not cost inputs: sends wait for it.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TimeUnit.MINUTES.toMillis(5));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, TimeUnit.MINUTES.toMillis(5));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (long n = 1; producing; n++) {
                pacer.acquire();
                ChaosStream.Event e = stream.event(n);
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(INPUT_TOPIC, e.key(), e.value());
                r.headers().add(ChaosStream.SEQ_HEADER, Long.toString(n).getBytes(StandardCharsets.UTF_8));
                if (e.poison() != null) {
                    r.headers().add(ChaosStream.POISON_HEADER, e.poison().name().getBytes(StandardCharsets.UTF_8));
                }
                producer.send(r, (md, ex) -> {
                    if (ex == null) {
                        produced.incrementAndGet();
                    } else {
                        produceErrors.incrementAndGet();
                    }
                });
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void inject(List<ScheduledFault> schedule, Simulator simulator, List<Instance> instances,
                        OutputWatcher watcher, long phaseStart) {
        try {
            for (ScheduledFault f : schedule) {
                long wait = phaseStart + TimeUnit.MILLISECONDS.toNanos(f.atMillis()) - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                FaultRecord record = new FaultRecord(f, backlog(watcher), System.nanoTime());
                synchronized (faults) {
                    faults.add(record);
                }
                currentFault = f.kind().label() + (f.instance() >= 0 ? " #" + f.instance() : "");
                try {
                    apply(f, simulator, instances);
                } catch (RuntimeException e) {
                    record.failure = e.toString();
                    out.println("chaos: " + f.kind().label() + " failed: " + e.getMessage());
                    out.flush();
                }
                record.endedNanos = System.nanoTime();
                currentFault = "-";
            }
            // The last fault's recovery is measured in the drain; every fault has ended here.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Applies one fault, waits for its length, and undoes it. */
    private void apply(ScheduledFault f, Simulator simulator, List<Instance> instances) throws InterruptedException {
        FaultSettings none = FaultSettings.none();
        switch (f.kind()) {
            case KILL -> {
                Instance i = instances.get(f.instance());
                try {
                    i.kill();
                    TimeUnit.MILLISECONDS.sleep(f.lastsMs());
                } finally {
                    i.start();
                }
            }
            case STOP -> {
                Instance i = instances.get(f.instance());
                try {
                    int code = i.stop();
                    // A JVM ended by SIGTERM exits with 128 + 15 once its shutdown hooks (the service's close) ran.
                    if (code != 0 && code != 143) {
                        throw new IllegalStateException("instance " + i.index() + " did not stop cleanly (exit code "
                                + code + "); see " + i.log());
                    }
                    TimeUnit.MILLISECONDS.sleep(f.lastsMs());
                } finally {
                    i.start();
                }
            }
            case BROKER_RESTART -> {
                broker.close();
                TimeUnit.MILLISECONDS.sleep(f.lastsMs());
                broker = EmbeddedKafka.start(brokerDir, brokerPort);
            }
            case OUTAGE -> during(simulator, none.withOutage(true), f);
            case STORM -> during(simulator, none.withRateLimitRate(1.0).withRetryAfterSeconds(1), f);
            case SLOW -> during(simulator, none.withSlowRate(0.3).withSlowMillis(TimeUnit.SECONDS.toMillis(3)), f);
            case RESET -> during(simulator, none.withResetRate(0.3), f);
        }
    }

    private static void during(Simulator simulator, FaultSettings faults, ScheduledFault f)
            throws InterruptedException {
        simulator.faults(faults);
        try {
            TimeUnit.MILLISECONDS.sleep(f.lastsMs());
        } finally {
            simulator.faults(FaultSettings.none());
        }
    }

    /** Marks the ended faults whose backlog is back within a second of input of where it began. */
    private void trackRecovery(OutputWatcher watcher) {
        long backlog = backlog(watcher);
        long now = System.nanoTime();
        synchronized (faults) {
            for (FaultRecord f : faults) {
                if (f.ended() && !f.recovered() && backlog <= f.backlogAtStart + settings.eventsPerSecond()) {
                    f.recoveredNanos = now;
                }
            }
        }
    }

    private long backlog(OutputWatcher watcher) {
        return Math.max(0, produced.get() - watcher.accounted());
    }

    private void progress(String phase, OutputWatcher watcher, List<Instance> instances, long runStart) {
        long up = instances.stream().filter(Instance::alive).count();
        out.printf(Locale.ROOT, "chaos: %4ds %-8s inputs=%d outputs=%d backlog=%d instances=%d/%d fault=%s%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - runStart), phase, produced.get(),
                watcher.accounted(), backlog(watcher), up, instances.size(), currentFault);
        out.flush();
    }

    private static long countLines(Path log, String needle) {
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.contains(needle)).count();
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot read " + log + ": " + e.getMessage(), e);
        }
    }

    /** A new work directory under {@code ~/.stream-enricher} (not the OS temp directory, which Kafka Streams warns about). */
    public static Path newWorkDir() {
        try {
            Path home = Files.createDirectories(Path.of(System.getProperty("user.home"), ".stream-enricher"));
            return Files.createTempDirectory(home, "chaos-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory under ~/.stream-enricher", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a leftover directory under ~/.stream-enricher is harmless
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
