package dev.enricher.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One instance of the service: the real {@code run} command in a child JVM of its own, on a configuration file and a
 * state directory that outlive it, so a restart is a restart (its state, its group membership by name). Its stdout
 * and stderr are appended to one log file across its lives, which the checker reads for the API key.
 *
 * <p>Owned by the run's fault thread; {@link #alive()} may be read from any thread.
 */
final class Instance implements AutoCloseable {
    private static final long STOP_GRACE_SECONDS = 90;
    private final int index;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path log;
    private volatile Process process;
    private int starts;

    Instance(int index, String javaBinary, String classpath, List<String> jvmArgs, Path config, Path log,
             Map<String, String> environment) {
        this.index = index;
        List<String> c = new ArrayList<>();
        c.add(javaBinary);
        c.addAll(jvmArgs);
        c.add("-cp");
        c.add(classpath);
        c.add("dev.enricher.cli.Main");
        c.add("run");
        c.add("--config");
        c.add(config.toString());
        this.command = List.copyOf(c);
        this.environment = Map.copyOf(environment);
        this.log = log;
    }

    int index() {
        return index;
    }

    Path log() {
        return log;
    }

    /** How many times it has been started. */
    int starts() {
        return starts;
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Starts the JVM; it joins the group on its own. */
    void start() {
        if (alive()) {
            throw new IllegalStateException("instance " + index + " runs already");
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(environment);
        try {
            process = pb.start();
            starts++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start instance " + index + ": " + e.getMessage(), e);
        }
    }

    /** SIGKILL: no close, no commit, no leaving the group; waits until the JVM is gone. */
    void kill() throws InterruptedException {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /**
     * SIGTERM: the service closes (commits, leaves the group) and exits; waits for that, and kills it when it takes
     * longer than {@value #STOP_GRACE_SECONDS} s.
     *
     * @return the exit code, or -1 when it had to be killed
     */
    int stop() throws InterruptedException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return p == null ? 0 : p.exitValue();
        }
        p.destroy();
        if (p.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
            return p.exitValue();
        }
        kill();
        return -1;
    }

    /** SIGKILL without waiting: for a harness that is going away itself. */
    void destroy() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    /** Stops it gracefully; kills it when that fails. */
    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Process p = process;
            if (p != null) {
                p.destroyForcibly();
            }
            Thread.currentThread().interrupt();
        }
    }
}
