package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos command end to end, on the short schedule CI runs: two instances of the real service in child JVMs,
 * every fault kind once, then the exact check. It must pass, and its figures must show that the faults happened.
 */
class ChaosCommandTest {
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

    @TempDir
    Path work;

    @Test
    void everyFaultOnceAndTheCheckHolds() throws Exception {
        Cli.Result r = Cli.run("chaos", "--duration", "30s", "--instances", "2", "--events-per-second", "60",
                "--seed", "20261202", "--work-dir", work.toString());
        String last = r.lastLine();
        assertThat(r.exit()).as("exit code; output:%n%s%nerr:%n%s", r.out(), r.err()).isZero();
        assertThat(last).startsWith("chaos: inputs=");
        Map<String, String> f = fields(last);
        assertThat(f).containsEntry("lost", "0").containsEntry("duplicates", "0").containsEntry("misattributed", "0")
                .containsEntry("out_of_order", "0").containsEntry("wrong_dead_letters", "0")
                .containsEntry("key_in_logs", "0").containsEntry("result", "PASS")
                .containsEntry("kills", "1").containsEntry("broker_restarts", "1").containsEntry("outages", "1")
                .containsEntry("storms", "1").containsEntry("slow", "1").containsEntry("resets", "1");
        long inputs = Long.parseLong(f.get("inputs"));
        assertThat(Long.parseLong(f.get("enriched")) + Long.parseLong(f.get("dead_lettered"))).isEqualTo(inputs);
        assertThat(Long.parseLong(f.get("dead_lettered"))).as("the record faults").isPositive();
        assertThat(Long.parseLong(f.get("rebalances"))).as("a kill and a stop each rebalance").isGreaterThanOrEqualTo(2);
        assertThat(Long.parseLong(f.get("excess_calls"))).isNotNegative();
        assertThat(r.out()).contains("backlog=").contains("recover_median");
        for (String kind : new String[] {"kill", "stop", "broker-restart", "outage", "429-storm", "slow", "reset"}) {
            assertThat(r.out()).as("table row of %s", kind).containsPattern("(?m)^" + Pattern.quote(kind) + " +1 ");
        }
        try (Stream<Path> logs = Files.list(work).filter(p -> p.getFileName().toString().startsWith("instance-"))) {
            assertThat(logs.map(p -> p.resolve("instance.log")).filter(Files::exists).count()).isEqualTo(2);
        }
    }

    @Test
    void badOptionsAreNamedBeforeAnythingStarts() {
        Cli.Result faults = Cli.run("chaos", "--faults", "kill,flood", "--work-dir", work.toString());
        assertThat(faults.exit()).isEqualTo(2);
        assertThat(faults.err()).contains("'flood'").contains("429-storm");
        Cli.Result instances = Cli.run("chaos", "--instances", "0", "--work-dir", work.toString());
        assertThat(instances.exit()).isEqualTo(2);
        assertThat(instances.err()).contains("--instances");
        Cli.Result config = Cli.run("chaos", "--config", work.resolve("missing.yaml").toString(), "--duration", "1s",
                "--work-dir", work.toString());
        assertThat(config.exit()).isEqualTo(2);
        assertThat(config.err()).contains("missing.yaml").contains("cannot be read");
    }

    private static Map<String, String> fields(String line) {
        Matcher m = FIELD.matcher(line);
        Map<String, String> out = new java.util.LinkedHashMap<>();
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }
}
