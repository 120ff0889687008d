package dev.enricher.cli;

import dev.enricher.local.EmbeddedKafka;
import dev.enricher.local.LocalSchemaRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher local-kafka}: the tests' in-process single-node KRaft broker ({@link EmbeddedKafka}) as a
 * development broker, until Ctrl-C. The first line on stdout is {@code local-kafka listening on <bootstrap>}, so a
 * script can wait for it; the second names the data directory.
 *
 * <p>Stopping: Ctrl-C (SIGINT/SIGTERM) runs a shutdown hook that asks the command's thread to close the broker
 * and waits for it, so the log is flushed and the next start finds every record. Tests call {@link #stop()}.
 */
@Command(name = "local-kafka", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs a single-node Kafka broker on 127.0.0.1 for development, until Ctrl-C.",
            "",
            "The broker is Apache Kafka 4.4 in KRaft mode (broker and controller in this JVM), the one the "
                    + "tests use; it listens on 127.0.0.1 only. The first line is 'local-kafka listening on <host:port>'; "
                    + "the second names the data directory.",
            "",
            "Records and topics are kept in the data directory, so stopping and starting again on the same "
                    + "directory finds them (delete the directory to start empty). Every replication factor is 1; "
                    + "idempotent and transactional producers and exactly_once_v2 work; topics are created on first "
                    + "use with 1 partition unless created beforehand.",
            "",
            "Next to the broker it serves a schema registry on 127.0.0.1:8085 (--registry-port; not 8081, where "
                    + "run serves health and metrics): the Confluent REST API over the project's in-memory "
                    + "registry, with its compatibility checks, so run, produce, tail and a consumer in other "
                    + "processes share schemas. Its subjects last until the command stops (producers register again "
                    + "after a restart). The third line names its URL.",
            "",
            "Example: stream-enricher local-kafka --port 9092 &  then  stream-enricher produce "
                    + "--bootstrap-servers 127.0.0.1:9092 --topic raw-messages --sample 100"},
        footer = {"", "Exit codes: 0 stopped cleanly, 1 the broker failed to start, 2 a bad option or the port is taken."})
final class LocalKafkaCommand implements Callable<Integer> {
    /** Where the data lives unless --data-dir says otherwise: per user, independent of the working directory. */
    static final Path DEFAULT_DATA_DIR = Path.of(System.getProperty("user.home"), ".stream-enricher", "local-kafka");

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092",
            description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory holding the broker's logs and metadata, created and formatted on first use "
                    + "(default: ~/.stream-enricher/local-kafka).")
    Path dataDir;

    @Option(names = "--registry-port", defaultValue = "8085",
            description = "Port on 127.0.0.1 of the schema registry served next to the broker (the Confluent REST API "
                    + "over the project's in-memory registry, with compatibility checks; subjects last until the "
                    + "command stops); 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int registryPort;

    @Option(names = "--no-registry", description = "Serve no schema registry (only the broker).")
    boolean noRegistry;

    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /** Asks a running command to close its broker and return; safe from any thread, before or during the run. */
    void stop() {
        stopRequested.countDown();
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (port < 0 || port > 65_535) {
            err.println("local-kafka: --port " + port + " is not a port: give 1-65535, or 0 for a free one");
            err.flush();
            return 2;
        }
        if (port != 0 && !free(port)) {
            err.println("local-kafka: port " + port + " on 127.0.0.1 is taken (another broker?): stop it, or choose "
                    + "another with --port (0 picks a free one)");
            err.flush();
            return 2;
        }
        if (!noRegistry && (registryPort < 0 || registryPort > 65_535)) {
            err.println("local-kafka: --registry-port " + registryPort + " is not a port: give 1-65535, or 0 for a "
                    + "free one");
            err.flush();
            return 2;
        }
        if (!noRegistry && registryPort != 0 && !free(registryPort)) {
            err.println("local-kafka: port " + registryPort + " on 127.0.0.1 is taken (another schema registry?): stop "
                    + "it, choose another with --registry-port (0 picks a free one), or serve none with --no-registry");
            err.flush();
            return 2;
        }
        Path dir = (dataDir != null ? dataDir : DEFAULT_DATA_DIR).toAbsolutePath();
        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start(dir, port);
        } catch (RuntimeException e) {
            err.println("local-kafka: the broker did not start: " + e.getMessage()
                    + " (is another local-kafka using " + dir + "? give another --data-dir)");
            err.flush();
            return 1;
        }
        LocalSchemaRegistry registry = null;
        if (!noRegistry) {
            try {
                registry = LocalSchemaRegistry.start(registryPort);
            } catch (IOException e) {
                kafka.close();
                err.println("local-kafka: the schema registry did not start on port " + registryPort + ": "
                        + e.getMessage() + " (choose another --registry-port, or --no-registry)");
                err.flush();
                return 2;
            }
        }
        try (StopOnSignal signal = StopOnSignal.install("local-kafka-shutdown", this::stop, Duration.ofSeconds(60))) {
            try {
                out.println("local-kafka listening on " + kafka.bootstrapServers());
                out.println("data: " + dir + " (kept across restarts; delete it to start empty); Ctrl-C stops");
                if (registry != null) {
                    out.println("schema registry: " + registry.url() + " (Confluent REST API, in memory: subjects "
                            + "last until this stops); give it to run, produce, tail and consumers as registry.url "
                            + "or --registry-url");
                }
                out.flush();
                stopRequested.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                // Closed on the command's thread whoever asked, before the hook lets the JVM go: the log is flushed.
                if (registry != null) {
                    registry.close();
                }
                kafka.close();
                err.println("local-kafka: stopped");
                err.flush();
            }
        }
        return 0;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            s.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
