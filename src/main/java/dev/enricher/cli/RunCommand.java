package dev.enricher.cli;

import dev.enricher.config.ConfigException;
import dev.enricher.config.EnricherConfig;
import dev.enricher.service.EnricherService;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher run --config FILE}: the service, until Ctrl-C (SIGTERM) or until Kafka Streams fails for
 * good. Exit code 0 after a clean stop, 2 for an invalid configuration, 1 when it fails.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the enrichment service: input topic -> ZeroGPU tasks -> enriched / dead-letter topics.",
                "Health and metrics on ops.port (/health/live, /health/ready, /metrics). Every key of the YAML file "
                        + "can be overridden by an environment variable (ENRICHER_<KEY>); see README, Configuration."})
final class RunCommand implements Callable<Integer> {
    /** How long Ctrl-C waits for the service to close (Kafka Streams alone may take 30 s). */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The YAML configuration.")
    Path config;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EnricherConfig cfg;
        try {
            cfg = EnricherConfig.load(config);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
        Logging.apply(cfg.jsonLogs());
        EnricherService service;
        try {
            service = EnricherService.start(cfg);
        } catch (RuntimeException e) {
            err.println("stream-enricher could not start: " + e.getMessage());
            err.flush();
            return 1;
        }
        CountDownLatch stop = new CountDownLatch(1);
        service.stopped().thenRun(stop::countDown);
        boolean failed;
        boolean interrupted = false;
        try (StopOnSignal signal = StopOnSignal.install("enricher-shutdown", stop::countDown, CLOSE_GRACE);
             service) {
            out.println("stream-enricher running: " + service.settings().inputTopic() + " -> "
                    + service.settings().enrichedTopic() + "; health and metrics on port " + service.opsPort());
            out.flush();
            try {
                stop.await();
            } catch (InterruptedException e) {
                // Stopped from inside the JVM (tests): close first, then keep the interrupt for the caller.
                interrupted = true;
            }
            failed = service.failed();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failed) {
            err.println("stream-enricher stopped: Kafka Streams failed (see the log above)");
            err.flush();
            return 1;
        }
        return 0;
    }
}
