package dev.enricher.chaos;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a chaos run: a table per fault kind (how often, how long to full throughput again), the checker's
 * examples when something failed, and the summary line, always last.
 *
 * @param verdict        the checker's findings
 * @param faults         the faults as they happened
 * @param paidCalls      calls the simulator answered 200 (each one billed)
 * @param keyInLogs      log lines of any instance that hold the API key
 * @param rebalances     rebalances the instances logged
 * @param produceErrors  sends the producer gave up on (not inputs: they never reached the topic)
 */
public record ChaosReport(Verdict verdict, List<FaultRecord> faults, long paidCalls, long keyInLogs, long rebalances,
                          long produceErrors) {
    /** Whether invariants 1 to 4 and 6 hold. */
    public boolean passed() {
        return verdict.holds() && keyInLogs == 0;
    }

    /** Calls paid beyond the least the inputs need. */
    public long excessCalls() {
        return paidCalls - verdict.minimumPaidCalls();
    }

    long count(FaultKind kind) {
        return faults.stream().filter(f -> f.fault.kind() == kind).count();
    }

    void print(PrintWriter out) {
        out.println();
        out.printf(Locale.ROOT, "%-15s %6s %14s %12s %14s%n", "fault", "count", "recover_median", "recover_max",
                "not_recovered");
        Map<FaultKind, List<FaultRecord>> byKind = new EnumMap<>(FaultKind.class);
        for (FaultRecord f : faults) {
            byKind.computeIfAbsent(f.fault.kind(), k -> new ArrayList<>()).add(f);
        }
        for (Map.Entry<FaultKind, List<FaultRecord>> e : byKind.entrySet()) {
            double[] seconds = e.getValue().stream().filter(FaultRecord::recovered)
                    .mapToDouble(FaultRecord::recoverySeconds).sorted().toArray();
            long notRecovered = e.getValue().size() - seconds.length;
            out.printf(Locale.ROOT, "%-15s %6d %14s %12s %14d%n", e.getKey().label(), e.getValue().size(),
                    seconds.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f s", median(seconds)),
                    seconds.length == 0 ? "-" : String.format(Locale.ROOT, "%.1f s", seconds[seconds.length - 1]),
                    notRecovered);
        }
        out.printf(Locale.ROOT, "paid calls %d, the least the inputs need %d: %d excess (%.1f%%) from crashes, "
                        + "rebalances, slow answers the client gave up on and retries%n", paidCalls,
                verdict.minimumPaidCalls(), excessCalls(),
                verdict.minimumPaidCalls() == 0 ? 0.0 : 100.0 * excessCalls() / verdict.minimumPaidCalls());
        if (produceErrors > 0) {
            out.printf(Locale.ROOT, "%d sends were given up by the producer (never inputs)%n", produceErrors);
        }
        if (!verdict.examples().isEmpty()) {
            out.println("problems found (first " + verdict.examples().size() + "):");
            verdict.examples().forEach(x -> out.println("  " + x));
        }
        if (keyInLogs > 0) {
            out.println("the API key appears in " + keyInLogs + " log line(s) of the instances");
        }
        out.println(summary());
        out.flush();
    }

    /** The last line: every figure, and the verdict. */
    String summary() {
        Verdict v = verdict;
        return String.format(Locale.ROOT, "chaos: inputs=%d enriched=%d dead_lettered=%d lost=%d duplicates=%d "
                        + "misattributed=%d out_of_order=%d excess_calls=%d kills=%d rebalances=%d broker_restarts=%d "
                        + "outages=%d storms=%d slow=%d resets=%d wrong_dead_letters=%d key_in_logs=%d guarantee=%s "
                        + "result=%s",
                v.inputs(), v.enriched(), v.deadLettered(), v.lost(), v.duplicates(), v.misattributed(),
                v.outOfOrder(), excessCalls(), count(FaultKind.KILL), rebalances, count(FaultKind.BROKER_RESTART),
                count(FaultKind.OUTAGE), count(FaultKind.STORM), count(FaultKind.SLOW), count(FaultKind.RESET),
                v.wrongDeadLetters(), keyInLogs, v.exactlyOnce() ? "exactly_once_v2" : "at_least_once",
                passed() ? "PASS" : "FAIL");
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    @Override
    public String toString() {
        return summary() + " faults=" + Arrays.toString(faults.stream().map(f -> f.fault.kind().label()).toArray());
    }
}
