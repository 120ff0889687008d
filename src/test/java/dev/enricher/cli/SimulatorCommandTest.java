package dev.enricher.cli;

import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code stream-enricher simulator} through the real command line, in a thread of this JVM. */
class SimulatorCommandTest {

    @Test
    void printsTheListeningLineFirstServesAndStopsOnInterrupt() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(cmd.execute("simulator", "--port", "0", "--latency-ms", "0",
                "--instances", "1", "--rate-limit-rate", "0")), "simulator-command");
        t.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("\n"));
            String first = out.toString().lines().findFirst().orElseThrow();
            assertThat(first).matches("simulator listening on http://127\\.0\\.0\\.1:\\d+/v1");
            String url = first.substring("simulator listening on ".length());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/chat/completions"))
                    .header("x-api-key", "zgpu-cli").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"llama-3.1-8b-instruct-fast\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there.\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("chat.completion");
        } finally {
            t.interrupt();
            t.join(15_000);
        }
        assertThat(t.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
    }

    @Test
    void aTakenPortExitsNonZeroWithAClearMessage() {
        try (Simulator taken = Simulator.start(SimulatorConfig.builder().instances(1).build())) {
            StringWriter err = new StringWriter();
            CommandLine cmd = Main.commandLine();
            cmd.setOut(new PrintWriter(new StringWriter(), true));
            cmd.setErr(new PrintWriter(err, true));
            int code = cmd.execute("simulator", "--port", Integer.toString(taken.port()));
            assertThat(code).isEqualTo(2);
            assertThat(err.toString()).contains("cannot listen").contains(Integer.toString(taken.port()));
        }
    }

    @Test
    void badOptionValuesExitNonZero() {
        CommandLine cmd = Main.commandLine();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(new StringWriter(), true));
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute("simulator", "--reset-rate", "3")).isEqualTo(1);
        assertThat(err.toString()).contains("resetRate");
    }
    @Test
    void latencySpecsSetPerModelDistributionsAndBadOnesSayWhatIsValid() {
        dev.enricher.simulator.LatencyProfile p = LatencySpec.parse("gliner-multi-pii-v1=120:480")
                .applyTo(dev.enricher.simulator.LatencyProfile.defaults());
        p = LatencySpec.parse("*=40:90").applyTo(p);
        assertThat(p.byModel().get("gliner-multi-pii-v1").median()).isEqualTo(Duration.ofMillis(120));
        assertThat(p.byModel().get("gliner-multi-pii-v1").p99()).isEqualTo(Duration.ofMillis(480));
        assertThat(p.otherwise().median()).isEqualTo(Duration.ofMillis(40));

        for (String[] bad : new String[][] {{"nomodel", "must look like MODEL=MEDIAN_MS:P99_MS"},
                {"m=fast:slow", "whole milliseconds"}, {"m=500:100", "median <= p99"}}) {
            StringWriter err = new StringWriter();
            CommandLine cmd = Main.commandLine();
            cmd.setOut(new PrintWriter(new StringWriter(), true));
            cmd.setErr(new PrintWriter(err, true));
            assertThat(cmd.execute("simulator", "--latency", bad[0])).isEqualTo(1);
            assertThat(err.toString()).contains("--latency '" + bad[0] + "'").contains(bad[1]);
        }
    }
}
