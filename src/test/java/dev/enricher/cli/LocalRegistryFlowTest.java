package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The laptop flow without Docker: {@code local-kafka} (broker and schema registry), {@code run} writing Avro through
 * that registry, {@code produce} and {@code tail} reading the enriched records back through it, each command as it is
 * run from the shell (here on threads of one JVM; the registry is reached over HTTP, as from other processes).
 */
class LocalRegistryFlowTest {
    @TempDir
    Path dir;

    @Test
    void runProduceAndTailShareLocalKafkasRegistry() throws Exception {
        StringWriter kafkaOut = new StringWriter();
        CommandLine kafkaCmd = Main.commandLine();
        kafkaCmd.setOut(new PrintWriter(kafkaOut, true));
        kafkaCmd.setErr(new PrintWriter(new StringWriter(), true));
        LocalKafkaCommand localKafka = Cli.command(kafkaCmd, "local-kafka");
        Thread kafkaThread = new Thread(() -> kafkaCmd.execute("local-kafka", "--port", "0", "--registry-port", "0",
                "--data-dir", dir.resolve("kafka").toString()), "local-kafka");
        kafkaThread.start();
        Thread runThread = null;
        try (Simulator sim = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).build())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> kafkaOut.toString().contains("schema registry: "));
            String bootstrap = kafkaOut.toString().lines().findFirst().orElseThrow()
                    .substring("local-kafka listening on ".length());
            String registry = kafkaOut.toString().lines().filter(l -> l.startsWith("schema registry: ")).findFirst()
                    .orElseThrow().split(" ")[2];

            Path config = dir.resolve("enricher.yaml");
            Files.writeString(config, RunCommandTest.config(bootstrap, sim.baseUrl(), dir.resolve("state"))
                    .replace("url: memory", "url: " + registry));
            Cli.Result produced = Cli.run("produce", "--bootstrap-servers", bootstrap, "--topic", "raw", "--sample",
                    "20", "--no-progress");
            assertThat(produced.exit()).as(produced.err()).isZero();

            StringWriter runErr = new StringWriter();
            CommandLine runCmd = Main.commandLine();
            runCmd.setOut(new PrintWriter(new StringWriter(), true));
            runCmd.setErr(new PrintWriter(runErr, true));
            AtomicInteger runExit = new AtomicInteger(-1);
            runThread = new Thread(() -> runExit.set(runCmd.execute("run", "--config", config.toString())), "run");
            runThread.start();

            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    java.util.Map.of("bootstrap.servers", bootstrap))) {
                await("the service writes its first enriched record").atMost(Duration.ofSeconds(120))
                        .until(() -> admin.listTopics().names().get().contains("enriched"));
            }
            Cli.Result tail = Cli.run("tail", "--bootstrap-servers", bootstrap, "--registry-url", registry,
                    "--topic", "enriched", "--from-beginning", "--max", "20", "--timeout", "120s");
            assertThat(tail.exit()).as(tail.err()).isZero();
            assertThat(tail.out().lines().filter(l -> l.contains("\"source_offset\"")).count())
                    .as("20 enriched records decoded through the registry: %s", tail.out()).isEqualTo(20);
            assertThat(tail.out()).contains("\"iab\"");
        } finally {
            if (runThread != null) {
                runThread.interrupt();
                runThread.join(60_000);
            }
            localKafka.stop();
            kafkaThread.join(60_000);
        }
    }
}
