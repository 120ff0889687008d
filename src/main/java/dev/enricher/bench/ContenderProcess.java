package dev.enricher.bench;

import dev.enricher.bench.peers.PeerArgs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One benchmark contender in a child JVM of its own, so that its CPU time and peak resident memory are its own and
 * not the broker's, the simulator's or the load's (they stay in the harness JVM). Started with a classpath and main
 * class; ready when it prints {@link PeerArgs#READY_LINE}; stopped with SIGTERM (a clean close), then killed when it
 * takes longer than 30 s. Its stderr goes to a file, whose tail is quoted when it fails.
 */
final class ContenderProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path stderr;
    private final Path stdout;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile long jitMillis = -1;

    private ContenderProcess(String name, Process process, Path stderr) {
        this.name = name;
        this.process = process;
        this.stderr = stderr;
        this.stdout = stderr.resolveSibling(name + ".stdout.log");
        Thread reader = new Thread(this::readStdout, "contender-" + name + "-stdout");
        reader.setDaemon(true);
        reader.start();
        process.onExit().thenRun(() -> ready.completeExceptionally(new IllegalStateException(
                "contender " + name + " exited with code " + process.exitValue() + " before it was ready; "
                        + "last lines of its output:\n" + tail())));
    }

    /**
     * Starts {@code java [jvmArgs] -cp classpath mainClass args} with the API key in the environment.
     *
     * @throws UncheckedIOException when the JVM cannot be started
     */
    static ContenderProcess start(String name, String classpath, List<String> jvmArgs, String mainClass,
                                  List<String> args, String apiKey, Path workDir) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        Path stderr = workDir.resolve(name + ".stderr.log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectError(stderr.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put(PeerArgs.API_KEY_ENV, apiKey);
        try {
            return new ContenderProcess(name, pb.start(), stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name + " contender: " + e.getMessage(), e);
        }
    }

    /** The running JVM's own java launcher: the children run on the same Java as the harness. */
    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Waits for the ready line.
     *
     * @throws IllegalStateException when the child exited first or did not get ready within {@code timeout}
     */
    void awaitReady(Duration timeout) throws InterruptedException {
        try {
            ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (RuntimeException) e.getCause();
        } catch (TimeoutException e) {
            throw new IllegalStateException("contender " + name + " did not get ready within " + timeout.toSeconds()
                    + " s; last lines of its output:\n" + tail());
        }
    }

    /** The child's JIT compilation time so far as it last reported it (every 0.5 s), in ms; -1 before any report. */
    long jitMillis() {
        return jitMillis;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** CPU time (user + system) of the child so far, from the operating system (unknown where it does not tell). */
    CpuSnapshot cpu() {
        return CpuSnapshot.of(process.toHandle());
    }

    /**
     * The child's peak resident set size in MiB ({@code VmHWM} of {@code /proc/PID/status}: the kernel keeps the
     * high-water mark, so nothing is missed between samples); -1 where there is no /proc (not Linux).
     */
    long peakRssMb() {
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring("VmHWM:".length()).replace("kB", "").trim();
                    return Long.parseLong(kb) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The last 20 lines of the child's stdout and of its stderr. */
    String tail() {
        return "stdout: " + tail(stdout) + "\nstderr: " + tail(stderr);
    }

    /** The last 20 lines of {@code file}, or what kept it from being read. */
    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.isEmpty() ? "(empty)"
                    : "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(none: " + e.getMessage() + ")";
        }
    }

    /** Copies the child's stdout (its log, under this project's logging setup) to a file, watching for the ready line. */
    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             java.io.BufferedWriter w = Files.newBufferedWriter(stdout, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                w.write(line);
                w.newLine();
                if (line.startsWith(PeerArgs.JIT_LINE_PREFIX)) {
                    try {
                        jitMillis = Long.parseLong(line.substring(PeerArgs.JIT_LINE_PREFIX.length()).trim());
                    } catch (NumberFormatException e) {
                        // not a report after all: keep the last one
                    }
                    continue; // two lines a second: not worth keeping in the log
                }
                if (line.trim().equals(PeerArgs.READY_LINE)) {
                    ready.complete(null);
                }
                w.flush();
            }
        } catch (IOException e) {
            // the child is gone; onExit reports it
        }
    }

    /** SIGTERM, up to 30 s for a clean close, then SIGKILL. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
