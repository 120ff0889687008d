package dev.enricher.bench;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One instance of the service as users deploy it: {@code stream-enricher run --config FILE} ({@code dev.enricher.cli.Main})
 * in a child JVM of its own, for {@code bench scale}. The API key goes in the environment, never on the command line.
 * Its log (stderr) goes to a file; its stdout too, watched for the line {@code run} prints once the service has
 * started, which names the port of its health and metrics server (the configuration asks for a free one).
 *
 * <p>What the harness reads of it, over that server: {@code /health/ready} (Kafka Streams RUNNING, circuit closed)
 * and the {@code enricher_enriched_total} counter of {@code /metrics} (records this instance has forwarded; under
 * {@code exactly_once_v2} they are visible to a {@code read_committed} reader at the next commit, within 100 ms).
 *
 * <p>{@link #close} sends SIGTERM (the service closes: commits, leaves its tasks) and kills the JVM when that takes
 * longer than {@value #STOP_GRACE_SECONDS} s. Started and closed by one thread; the getters may be called from any.
 */
final class ServiceInstance implements AutoCloseable {
    /** The start of the line {@code run} prints once the service runs; its port follows {@code port }. */
    static final String RUNNING_LINE = "stream-enricher running:";
    private static final Pattern PORT = Pattern.compile("port (\\d+)\\s*$");
    private static final long STOP_GRACE_SECONDS = 60;
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(2);

    private final String name;
    private final Process process;
    private final long launchNanos;
    private final Path stdout;
    private final Path stderr;
    private final HttpClient http;
    private volatile int opsPort = -1;
    private volatile long startedNanos = -1;

    private ServiceInstance(String name, Process process, long launchNanos, Path stdout, Path stderr) {
        this.name = name;
        this.process = process;
        this.launchNanos = launchNanos;
        this.stdout = stdout;
        this.stderr = stderr;
        this.http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
        Thread reader = new Thread(this::readStdout, "scale-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code java [jvmArgs] -cp classpath dev.enricher.cli.Main run --config config}, its logs in
     * {@code workDir/<name>.stdout.log} and {@code .stderr.log}.
     *
     * @param environment added to this JVM's environment (the API key)
     * @throws UncheckedIOException when the JVM cannot be started
     */
    static ServiceInstance start(String name, String classpath, List<String> jvmArgs, Path config,
                                 Map<String, String> environment, Path workDir) {
        List<String> command = new ArrayList<>();
        command.add(ContenderProcess.javaBinary());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath);
        command.add("dev.enricher.cli.Main");
        command.add("run");
        command.add("--config");
        command.add(config.toString());
        Path stderr = workDir.resolve(name + ".stderr.log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(environment);
        long launch = System.nanoTime();
        try {
            return new ServiceInstance(name, pb.start(), launch, workDir.resolve(name + ".stdout.log"), stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start instance " + name + ": " + e.getMessage(), e);
        }
    }

    String name() {
        return name;
    }

    /** {@link System#nanoTime} just before the JVM was launched. */
    long launchNanos() {
        return launchNanos;
    }

    /** {@link System#nanoTime} when the service said it runs (its line on stdout); -1 before. */
    long startedNanos() {
        return startedNanos;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Whether its {@code /health/ready} answers 200: Kafka Streams RUNNING (its tasks assigned after the last
     * rebalance) and the circuit closed. False before the service started and while it cannot be reached.
     */
    boolean ready() throws InterruptedException {
        int port = opsPort;
        if (port < 0) {
            return false;
        }
        try {
            return http.send(request(port, "/health/ready"), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Records it has enriched and forwarded so far ({@code enricher_enriched_total}), or empty before its metrics
     * server runs or when it cannot be reached.
     */
    OptionalLong enriched() throws InterruptedException {
        int port = opsPort;
        if (port < 0) {
            return OptionalLong.empty();
        }
        try {
            HttpResponse<String> r = http.send(request(port, "/metrics"), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? OptionalLong.of(counter(r.body(), "enricher_enriched_total"))
                    : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The sum of the series of a counter in Prometheus text (0 when it has none yet). */
    static long counter(String prometheusText, String metric) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(metric) && line.length() > metric.length()
                    && (line.charAt(metric.length()) == ' ' || line.charAt(metric.length()) == '{')) {
                String[] parts = line.trim().split("\\s+");
                try {
                    sum += Double.parseDouble(parts[parts.length - 1]);
                } catch (NumberFormatException e) {
                    // not a sample line after all
                }
            }
        }
        return Math.round(sum);
    }

    /** CPU time (user + system) of the JVM so far, from the operating system. */
    CpuSnapshot cpu() {
        return CpuSnapshot.of(process.toHandle());
    }

    /**
     * CPU time of the JVM's JIT compiler threads (C1, C2) so far, from {@code /proc/PID/task/TID/stat} (Linux; -1
     * elsewhere): how far from warm the instance still is.
     */
    long jitNanos() {
        long[] gcAndJit = CpuSnapshot.gcAndJitNanos("/proc/" + process.pid() + "/task");
        return gcAndJit == null ? -1 : gcAndJit[1];
    }

    /** The last 20 lines of its stdout and of its log (stderr), for a failure's message. */
    String tail() {
        return "stdout: " + ContenderProcess.tail(stdout) + "\nlog: " + ContenderProcess.tail(stderr);
    }

    private static HttpRequest request(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(HTTP_TIMEOUT).GET()
                .build();
    }

    /** Copies the child's stdout to a file, watching for the line that says it runs and names its port. */
    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             BufferedWriter w = Files.newBufferedWriter(stdout, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                w.write(line);
                w.newLine();
                w.flush();
                if (line.startsWith(RUNNING_LINE)) {
                    Matcher m = PORT.matcher(line);
                    if (m.find()) {
                        opsPort = Integer.parseInt(m.group(1));
                        startedNanos = System.nanoTime();
                    }
                }
            }
        } catch (IOException e) {
            // the child is gone; isAlive() tells
        }
    }

    /** Sends SIGTERM without waiting: {@link #close} waits. Lets several instances close at the same time. */
    void terminate() {
        if (process.isAlive()) {
            process.destroy();
        }
    }

    /** SIGTERM, up to {@value #STOP_GRACE_SECONDS} s for a clean close, then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL without waiting: for a harness JVM that is going away itself. */
    void destroy() {
        process.destroyForcibly();
    }
}
