package dev.enricher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.testing.KafkaPerClass;
import dev.enricher.tools.SampleCorpus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code stream-enricher produce} end to end against the in-process broker. */
class ProduceCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final KafkaPerClass KAFKA = new KafkaPerClass();

    @Test
    void sampleSendsDistinctIdsKeyedByIdFromEveryCategory() throws Exception {
        KAFKA.createTopic("samples", 3);
        Cli.Result r = Cli.run("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "samples",
                "--sample", "500", "--no-progress");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lastLine()).matches("produce: sent=500 topic=samples elapsed_ms=\\d+ bad_lines=0");
        assertThat(r.err()).doesNotContain("\r");

        List<ConsumerRecord<byte[], byte[]>> records = Cli.readAll(KAFKA.bootstrapServers(), "samples", 500);
        assertThat(records).hasSize(500);
        Set<String> ids = new HashSet<>();
        Set<String> sources = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> rec : records) {
            JsonNode event = JSON.readTree(rec.value());
            ids.add(event.get("id").asText());
            sources.add(event.get("source").asText());
            assertThat(event.get("text").asText()).isNotBlank();
            assertThat(new String(rec.key(), StandardCharsets.UTF_8)).isEqualTo(event.get("id").asText());
        }
        assertThat(ids).hasSize(500).contains("sample-1", "sample-500");
        assertThat(sources).containsExactlyInAnyOrderElementsOf(SampleCorpus.CATEGORIES);
    }

    @Test
    void aFileIsSentLineByLineAndBadLinesAreReportedWithTheirNumberAndSentAsTheyAre(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("events.jsonl");
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, 'x'};
        try (var out = Files.newOutputStream(file)) {
            out.write(("{\"id\":\"e1\",\"text\":\"first\"}\n"
                    + "\n"
                    + "   \n"
                    + "this is not json\n"
                    + "{\"id\":\"e2\",\"text\":\"second\"}\r\n"
                    + "[\"an\",\"array\"]\n").getBytes(StandardCharsets.UTF_8));
            out.write(notUtf8);
            out.write("\n{\"text\":\"no id\"}".getBytes(StandardCharsets.UTF_8)); // no final newline
        }
        Cli.Result r = Cli.run("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "from-file",
                "--file", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lastLine()).matches("produce: sent=6 topic=from-file elapsed_ms=\\d+ bad_lines=3");
        assertThat(r.err()).contains("events.jsonl:4: not JSON").contains("events.jsonl:6: a JSON array, not a JSON object")
                .contains("events.jsonl:7: not valid UTF-8").contains("sent as it is")
                .doesNotContain("events.jsonl:1:").doesNotContain("events.jsonl:5:").doesNotContain("events.jsonl:8:");

        List<ConsumerRecord<byte[], byte[]>> records = Cli.readAll(KAFKA.bootstrapServers(), "from-file", 6);
        assertThat(records).hasSize(6);
        assertThat(records.get(0).key()).asString(StandardCharsets.UTF_8).isEqualTo("e1");
        assertThat(records.get(1).value()).asString(StandardCharsets.UTF_8).isEqualTo("this is not json");
        assertThat(records.get(1).key()).isNull();
        assertThat(records.get(2).value()).asString(StandardCharsets.UTF_8).isEqualTo("{\"id\":\"e2\",\"text\":\"second\"}");
        assertThat(records.get(4).value()).isEqualTo(notUtf8);
        assertThat(records.get(5).key()).isNull();
    }

    @Test
    void badLinesCanBeSkippedOrStopTheRun(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("mixed.jsonl");
        Files.writeString(file, "{\"id\":\"a\"}\nbroken\n{\"id\":\"b\"}\n");
        Cli.Result skip = Cli.run("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "skipped",
                "--file", file.toString(), "--on-bad-line", "skip");
        assertThat(skip.exit()).isZero();
        assertThat(skip.lastLine()).startsWith("produce: sent=2 topic=skipped").endsWith("bad_lines=1");
        assertThat(skip.err()).contains("mixed.jsonl:2: not JSON").contains("skipped");

        Cli.Result fail = Cli.run("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "failed",
                "--file", file.toString(), "--on-bad-line", "fail");
        assertThat(fail.exit()).isEqualTo(1);
        assertThat(fail.lastLine()).startsWith("produce: sent=1 topic=failed");
        assertThat(fail.err()).contains("mixed.jsonl:2").contains("--on-bad-line fail");
    }

    @Test
    void rateAndKeysPaceAndSpreadTheEvents() {
        Cli.Result r = Cli.run("produce", "--bootstrap-servers", KAFKA.bootstrapServers(), "--topic", "paced",
                "--sample", "60", "--rate", "200", "--keys", "4", "--progress");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.lastLine()).startsWith("produce: sent=60 topic=paced ");
        assertThat(r.err()).contains("produce: 60/60 (100%)");
        List<ConsumerRecord<byte[], byte[]>> records = Cli.readAll(KAFKA.bootstrapServers(), "paced", 60);
        assertThat(records).hasSize(60);
        assertThat(records.stream().map(rec -> new String(rec.key(), StandardCharsets.UTF_8)).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("key-0", "key-1", "key-2", "key-3");
    }

    @Test
    void stopEndsAPacedRunWithItsSummary() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cmd = Main.commandLine();
        cmd.setOut(new java.io.PrintWriter(out, true));
        cmd.setErr(new java.io.PrintWriter(err, true));
        ProduceCommand produce = Cli.command(cmd, "produce");
        java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(-1);
        Thread t = new Thread(() -> exit.set(cmd.execute("produce", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topic", "stopped", "--sample", "100000", "--rate", "20")), "produce-command");
        t.start();
        try {
            Cli.readAll(KAFKA.bootstrapServers(), "stopped", 3);
        } finally {
            produce.stop();
            t.join(30_000);
        }
        assertThat(t.isAlive()).isFalse();
        assertThat(exit.get()).isEqualTo(1);
        assertThat(out.toString()).containsPattern("produce: sent=\\d+ topic=stopped ");
        assertThat(err.toString()).contains("stopped before the end");
    }

    @Test
    void anUnreachableBrokerExitsOneWithAClearMessage() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Cli.Result r = Cli.run("produce", "--bootstrap-servers", "127.0.0.1:" + port, "--topic", "nowhere",
                "--sample", "3", "--client-property", "max.block.ms=1500");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.lastLine()).startsWith("produce: sent=0 topic=nowhere");
        assertThat(r.err()).contains("produce: failed:").contains("--bootstrap-servers");
    }

    @Test
    void badOptionsExitTwoNamingTheFlag() {
        assertThat(Cli.run("produce", "--bootstrap-servers", "x:1", "--topic", "t", "--sample", "5", "--rate", "0"))
                .satisfies(r -> {
                    assertThat(r.exit()).isEqualTo(2);
                    assertThat(r.err()).contains("--rate 0.0 must be a positive number");
                });
        assertThat(Cli.run("produce", "--bootstrap-servers", "x:1", "--topic", "t", "--sample", "5", "--file", "f")
                .exit()).isEqualTo(2);
        assertThat(Cli.run("produce", "--bootstrap-servers", "x:1", "--topic", "t", "--file", "/no/such/file").err())
                .contains("--file /no/such/file is not a readable file");
        assertThat(Cli.run("produce", "--bootstrap-servers", "x:1", "--topic", "t", "--sample", "5", "--key-field",
                "user").err()).contains("--key-field user").contains("id, text and source");
    }
}
