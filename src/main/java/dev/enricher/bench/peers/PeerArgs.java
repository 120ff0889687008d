package dev.enricher.bench.peers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The command line every benchmark contender takes ({@code --name value} pairs), parsed without a library because
 * the Parallel Consumer peer compiles this class on its own classpath, which has none (see
 * {@code bench/peers/README.md}). The harness ({@code stream-enricher bench peers}) writes these lines; a person
 * rarely does, but a wrong one still gets a message naming the option.
 *
 * <p>Options: {@code --bootstrap}, {@code --input-topic}, {@code --output-topic}, {@code --dead-letter-topic},
 * {@code --group} (consumer group or application id), {@code --api-url}, {@code --concurrency},
 * {@code --threads}, {@code --guarantee} ({@code at_least_once} or {@code exactly_once_v2}), {@code --schema-id} (the
 * registry id of the enriched record's schema, {@link PeerRecords#SCHEMA}, to write in each record's header), {@code --state-dir},
 * {@code --tracing} ({@code off} or a sampling ratio in (0, 1]; this project's pipeline only) and
 * {@code --tracing-endpoint} (the OTLP receiver its spans go to). The API key comes
 * from the environment variable {@value #API_KEY_ENV}, never the command line (it would show in {@code ps}).
 */
public final class PeerArgs {
    public static final String API_KEY_ENV = "ZEROGPU_API_KEY";
    /** The line a contender prints on stdout once it consumes: the harness waits for it. */
    public static final String READY_LINE = "peer ready";
    /**
     * Prefix of the line a contender prints every {@value #JIT_REPORT_MILLIS} ms after it is ready: its JIT
     * compilers' total time so far, in ms. The harness warms a contender up until its JIT is nearly idle.
     */
    public static final String JIT_LINE_PREFIX = "peer jit_ms=";
    static final long JIT_REPORT_MILLIS = 500;

    private static final Set<String> KNOWN = Set.of("bootstrap", "input-topic", "output-topic", "dead-letter-topic",
            "group", "api-url", "concurrency", "threads", "guarantee", "schema-id", "dead-letter-schema-id",
            "state-dir", "tracing", "tracing-endpoint");

    private final Map<String, String> values;

    private PeerArgs(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @throws IllegalArgumentException naming the unknown option, or the option without a value
     */
    public static PeerArgs parse(List<String> args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--") || !KNOWN.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown option '" + a + "'; known: --" + String.join(", --",
                        KNOWN.stream().sorted().toList()));
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("option " + a + " needs a value");
            }
            values.put(a.substring(2), args.get(++i));
        }
        return new PeerArgs(values);
    }

    /** @throws IllegalArgumentException when the option is missing */
    public String string(String name) {
        String v = values.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("option --" + name + " is required");
        }
        return v;
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    /** @throws IllegalArgumentException when the option is missing, not a number, or below {@code min} */
    public int integer(String name, int min) {
        String v = string(name);
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option --" + name + " must be a whole number, got '" + v + "'");
        }
        if (n < min) {
            throw new IllegalArgumentException("option --" + name + " must be >= " + min + ", got " + n);
        }
        return n;
    }

    public int integer(String name, int min, int fallback) {
        return values.containsKey(name) ? integer(name, min) : fallback;
    }

    /**
     * Prints {@link #READY_LINE} on stdout, then, on a daemon thread, {@link #JIT_LINE_PREFIX} with the JIT's total
     * compilation time every {@value #JIT_REPORT_MILLIS} ms (nothing where the JVM does not tell).
     */
    public static void announceReady() {
        java.io.PrintStream out = System.out;
        out.println(READY_LINE);
        out.flush();
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        Thread reporter = new Thread(() -> {
            try {
                while (true) {
                    out.println(JIT_LINE_PREFIX + jit.getTotalCompilationTime());
                    out.flush();
                    Thread.sleep(JIT_REPORT_MILLIS); // a periodic report, not a wait for something to happen
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "peer-jit-reporter");
        reporter.setDaemon(true);
        reporter.start();
    }

    /** The API key from {@value #API_KEY_ENV}. @throws IllegalArgumentException when it is not set */
    public static String apiKey() {
        String key = System.getenv(API_KEY_ENV);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("environment variable " + API_KEY_ENV + " is not set");
        }
        return key;
    }
}
