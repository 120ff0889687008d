package dev.enricher.cli;

import dev.enricher.chaos.ChaosReport;
import dev.enricher.chaos.ChaosRun;
import dev.enricher.chaos.ChaosSettings;
import dev.enricher.chaos.FaultKind;
import dev.enricher.config.ConfigException;
import dev.enricher.topology.ProcessingGuarantee;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher chaos}: the service under seeded faults, then an exact check of its topics. Parses and
 * validates; the run is {@link ChaosRun}'s.
 */
@Command(name = "chaos", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs N instances of the service (the real 'run' command, each in a child JVM) against an in-process "
                + "broker (input with 6 partitions) and the ZeroGPU simulator, produces a steady keyed stream with "
                + "record faults at a known rate, and injects faults on a seeded schedule: kill (SIGKILL and "
                + "restart), stop (graceful stop and restart: a rebalance both ways), broker-restart (on its data), "
                + "outage (every call 503 for longer than max.poll.interval.ms), 429-storm (every call 429 with "
                + "Retry-After), slow (answers after the request timeout), reset (connections reset).",
            "Then it stops the faults, drains, and checks from the topics alone (read_committed): every input in "
                + "enriched + dead letters exactly once (at least once under at_least_once); per key in input "
                + "order; every enriched result equal to the simulator's answer for that event's own text; dead "
                + "letters only for the record faults, each with its category; paid calls against the least the "
                + "inputs need; the API key in no instance's log.",
            "Prints a progress line every 5 s, a table per fault (count, time back to full throughput) and last "
                + "'chaos: inputs=N enriched=E dead_lettered=D lost=0 duplicates=0 misattributed=0 out_of_order=0 "
                + "excess_calls=X kills=K rebalances=R broker_restarts=B outages=O ... result=PASS'. Exit code 0 "
                + "only when every check holds, 1 when one fails, 2 for invalid options or configuration."})
final class ChaosCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--duration", defaultValue = "3m", converter = DurationConverter.class,
            description = "Length of the fault phase, e.g. 90s, 3m, 30m (default ${DEFAULT-VALUE}); the warm-up and "
                    + "the drain come on top.")
    Duration duration;

    @Option(names = "--instances", defaultValue = "2", description = "Service instances (default ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--guarantee", defaultValue = "exactly_once_v2",
            description = "exactly_once_v2 or at_least_once (default ${DEFAULT-VALUE}).")
    String guarantee;

    @Option(names = "--events-per-second", defaultValue = "200", description = "Input rate (default ${DEFAULT-VALUE}).")
    double eventsPerSecond;

    @Option(names = "--faults", defaultValue = "kill,stop,broker-restart,outage,429-storm,slow,reset",
            description = "Fault kinds, comma-separated, each at least once (default ${DEFAULT-VALUE}).")
    String faults;

    @Option(names = "--seed", description = "Seed of the schedule, the stream and the simulator (default: random, "
            + "printed first).")
    Long seed;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Run your own configuration (its tasks, engine, API and streams settings) instead of the "
                    + "built-in three tasks; the broker, topics, input format, registry and API address are the run's.")
    Path config;

    @Option(names = "--latency-ms", defaultValue = "100", description = "Simulator latency per call (default ${DEFAULT-VALUE}).")
    long latencyMs;

    @Option(names = "--poison-rate", defaultValue = "0.02",
            description = "Share of inputs that are record faults: not JSON, no text, oversized, too long for the "
                    + "models (default ${DEFAULT-VALUE}).")
    double poisonRate;

    @Option(names = "--drain-timeout", defaultValue = "5m", converter = DurationConverter.class,
            description = "Longest wait for the outputs to catch up after the faults (default ${DEFAULT-VALUE}).")
    Duration drainTimeout;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Broker data, instance state and logs (default: a new directory under ~/.stream-enricher, "
                    + "deleted after a passing run; a directory given here is kept).")
    Path workDir;

    @Option(names = "--keep", description = "Keep the work directory after a passing run too.")
    boolean keep;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ChaosSettings settings;
        try {
            settings = new ChaosSettings(duration, instances, ProcessingGuarantee.parse(guarantee), eventsPerSecond,
                    FaultKind.parseList(faults), seed != null ? seed : new SecureRandom().nextLong() >>> 1, config,
                    workDir != null ? workDir : ChaosRun.newWorkDir(), latencyMs, drainTimeout, poisonRate,
                    keep || workDir != null);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        // The broker, the simulator and the Kafka clients of this JVM log to a file: the console is the report.
        try (AutoCloseable harnessLog = Logging.toFile(settings.workDir().resolve("harness.log"), "kafka",
                "org.apache.kafka", "state.change.logger", "io.vertx", "io.netty")) {
            ChaosReport report = ChaosRun.run(settings, out);
            return report.passed() ? 0 : 1;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("chaos: " + e.getMessage());
            err.flush();
            return 2;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Only the log file's close can end here.
            throw new IllegalStateException("chaos: " + e.getMessage(), e);
        }
    }
}
