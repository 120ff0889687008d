package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code stream-enricher local-kafka} through the real command line, on a thread of this JVM. */
class LocalKafkaCommandTest {

    /** A running command: its output, the thread, and how to stop it. */
    private static final class Running implements AutoCloseable {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final AtomicInteger exit = new AtomicInteger(-1);
        final Thread thread;
        final LocalKafkaCommand command;

        Running(String... args) {
            CommandLine cmd = Main.commandLine();
            cmd.setOut(new PrintWriter(out, true));
            cmd.setErr(new PrintWriter(err, true));
            command = Cli.command(cmd, "local-kafka");
            thread = new Thread(() -> exit.set(cmd.execute(args)), "local-kafka-command");
            thread.start();
        }

        String bootstrap() {
            await().atMost(Duration.ofSeconds(60)).until(() -> out.toString().contains("\n") || !thread.isAlive());
            String first = out.toString().lines().findFirst().orElseThrow(() -> new AssertionError("no output; stderr: " + err));
            assertThat(first).matches("local-kafka listening on 127\\.0\\.0\\.1:\\d+");
            return first.substring("local-kafka listening on ".length());
        }

        int stop() throws InterruptedException {
            command.stop();
            thread.join(60_000);
            assertThat(thread.isAlive()).as("local-kafka still running after stop()").isFalse();
            return exit.get();
        }

        @Override
        public void close() throws InterruptedException {
            if (thread.isAlive()) {
                stop();
            }
        }
    }

    @Test
    void printsTheAddressFirstServesClientsAndKeepsTheDataAcrossARestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        try (Running first = new Running("local-kafka", "--port", "0", "--registry-port", "0", "--data-dir",
                data.toString())) {
            String bootstrap = first.bootstrap();
            assertThat(first.out.toString().lines().skip(1).findFirst().orElse("")).startsWith("data: " + data.toAbsolutePath());
            String registryLine = first.out.toString().lines().skip(2).findFirst().orElse("");
            assertThat(registryLine).matches("schema registry: http://127\\.0\\.0\\.1:\\d+ .*");
            String registryUrl = registryLine.split(" ")[2];
            try (dev.enricher.serde.HttpSchemaRegistry registry = new dev.enricher.serde.HttpSchemaRegistry(
                    dev.enricher.serde.RegistryConfig.of(registryUrl))) {
                org.apache.avro.Schema schema = dev.enricher.bench.SerdeBenchmark.SAMPLE_SCHEMA;
                int id = registry.register("enriched-value", schema);
                assertThat(registry.schemaById(id)).isEqualTo(schema);
            }
            try (KafkaProducer<byte[], byte[]> producer = Cli.producer(bootstrap)) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("durable", ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("v" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
            }
            assertThat(values(Cli.readAll(bootstrap, "durable", 10))).hasSize(10);
            assertThat(first.stop()).isZero();
            assertThat(first.err.toString()).contains("local-kafka: stopped");
        }
        try (Running second = new Running("local-kafka", "--port", "0", "--registry-port", "0", "--data-dir",
                data.toString())) {
            String bootstrap = second.bootstrap();
            assertThat(values(Cli.readAll(bootstrap, "durable", 10)))
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, 10)
                            .mapToObj(i -> "v" + i).collect(Collectors.toList()));
            assertThat(second.stop()).isZero();
        }
    }

    @Test
    void aTakenPortExitsTwoNamingThePortAndTheFlag(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            Cli.Result r = Cli.run("local-kafka", "--port", Integer.toString(taken.getLocalPort()),
                    "--data-dir", dir.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("port " + taken.getLocalPort()).contains("--port");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void aTakenRegistryPortExitsTwoNamingThePortAndBothWaysOut(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            Cli.Result r = Cli.run("local-kafka", "--port", "0", "--registry-port",
                    Integer.toString(taken.getLocalPort()), "--data-dir", dir.toString());
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("port " + taken.getLocalPort()).contains("--registry-port")
                    .contains("--no-registry");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void helpDescribesTheDefaultDataDirectory() {
        Cli.Result r = Cli.run("local-kafka", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--data-dir").contains("stream-enricher/local-kafka").contains("Exit codes");
    }

    private static List<String> values(List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toList());
    }
}
