package dev.enricher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.enricher.engine.TaskFailurePolicy;
import dev.enricher.results.CallResultSettings;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.testing.MillisClock;
import dev.enricher.testing.OutputReader;
import dev.enricher.testing.PipelineFixture;
import dev.enricher.testing.Sent;
import dev.enricher.topology.EnrichedRecords;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.ProcessingGuarantee;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Durable call results on the in-process broker with the simulator, which counts the calls: repeated texts, a replay
 * of dead letters, a re-processing from an older offset after a kill -9, and the TTL. Never paying twice is shown by
 * the simulator's request count; every answer that came without a call says so in its record ({@code cached}).
 */
class CallResultsPipelineTest {
    @RegisterExtension
    final PipelineFixture fx = PipelineFixture.onEmbeddedKafka();
    private Process child;

    @AfterEach
    void stopChild() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static List<EnrichmentTask> iab() {
        return List.of(TaskFactory.create(TaskSpec.of(TaskType.IAB)));
    }

    private static List<GenericRecord> calls(OutputReader.Output o) {
        return EnrichedRecords.modelCalls(o.enriched());
    }

    @Test
    void aStreamWithThirtyPercentRepeatedTextsMakesThirtyPercentFewerCalls() throws Exception {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(20)).seed(5));
        PipelineFixture.Topics t = fx.topics("repeats", 2);
        OutputReader reader = fx.reader(t);
        String results = t.input() + "-call-results";
        EnrichmentPipeline pipeline = fx.start(fx.settings(t, "state", iab())
                .callResults(CallResultSettings.on(results)).build());

        // 100 events: 70 texts of their own, and 30 that repeat an earlier event's text (some while it is in flight).
        Random random = new Random(11);
        Map<Integer, Integer> textOf = new HashMap<>();
        List<Integer> repeats = new ArrayList<>();
        for (int n = 0; n < 100; n++) {
            boolean repeat = n >= 5 && repeats.size() < 30 && (random.nextInt(100) < 35 || 100 - n <= 30 - repeats.size());
            textOf.put(n, repeat ? textOf.get(random.nextInt(n)) : n);
            if (repeat) {
                repeats.add(n);
            }
        }
        assertThat(repeats).hasSize(30);
        List<Sent> sent = fx.sendEvents(t.input(), 100, n -> "k" + (n % 7), n -> PipelineFixture.text(textOf.get(n)));
        reader.awaitAll(sent, Duration.ofMinutes(2));
        reader.assertExactlyOnce(sent, t.input());

        assertThat(fx.simulator().stats().requests()).as("calls made").isEqualTo(70);
        assertThat(pipeline.stats().callsSaved()).isEqualTo(30);
        Map<String, String> requestOfText = new HashMap<>();
        int cached = 0;
        for (Sent s : sent) {
            GenericRecord call = calls(reader.only(s)).get(0);
            String requestId = EnrichedRecords.string(call, "request_id");
            assertThat(requestId).isNotNull();
            String first = requestOfText.putIfAbsent(s.text(), requestId);
            if ((Boolean) call.get("cached")) {
                cached++;
                assertThat(call.get("prompt_tokens")).as("the tokens the answer had cost").isNotNull();
                assertThat((double) reader.only(s).enriched().get("cost_usd")).as("paid nothing").isZero();
            }
            if (first != null) {
                assertThat(requestId).as("a repeated text is answered by the call that paid for it").isEqualTo(first);
            }
        }
        assertThat(cached).isEqualTo(30);

        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, results);
        var config = fx.admin().describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
        assertThat(config.get("cleanup.policy").value()).isEqualTo("compact,delete");
        assertThat(config.get("retention.ms").value()).isEqualTo(String.valueOf(Duration.ofDays(7).toMillis()));
    }

    @Test
    void aReplayOfDeadLettersDoesNotAskAgainWhatWasAnswered() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(2)).seed(6));
        PipelineFixture.Topics t = fx.topics("replay", 2);
        OutputReader reader = fx.reader(t);
        CallResultSettings results = CallResultSettings.on(t.input() + "-call-results");
        // The summary asks a model the API does not have: every event is a dead letter, its IAB answer paid for.
        EnrichmentTask broken = TaskFactory.create(new TaskSpec("summary", TaskType.TEXT_GENERATION, "no-such-model",
                Map.of()));
        EnrichmentPipeline first = fx.start(fx.settings(t, "state", List.of(iab().get(0), broken))
                .engine(PipelineFixture.engine().withOnTaskFailure(TaskFailurePolicy.DEAD_LETTER))
                .callResults(results).build());
        List<PipelineFixture.Draft> drafts = new ArrayList<>();
        for (int n = 0; n < 20; n++) {
            drafts.add(fx.event("k" + (n % 4), PipelineFixture.text(n)));
        }
        List<Sent> sent = fx.send(t.input(), drafts);
        reader.awaitAll(sent, Duration.ofMinutes(1));
        assertThat(reader.deadLetterCount()).isEqualTo(20);
        first.close();
        long before = fx.simulator().stats().requests();
        assertThat(before).as("20 IAB calls and 20 refused summary calls").isEqualTo(40);

        // Fixed: the summary's model is one the API has. The dead letters' inputs are sent again (as replay-dlq does).
        EnrichmentPipeline fixed = fx.start(fx.settings(t, "state-2", List.of(iab().get(0),
                        TaskFactory.create(new TaskSpec("summary", TaskType.TEXT_GENERATION, null, Map.of()))))
                .engine(PipelineFixture.engine().withOnTaskFailure(TaskFailurePolicy.DEAD_LETTER))
                .callResults(results).build());
        List<Sent> replayed = fx.send(t.input(), drafts);
        await("replayed events enriched").atMost(Duration.ofMinutes(1))
                .until(() -> reader.enrichedCount() == 20);

        assertThat(fx.simulator().stats().requests() - before).as("only the summaries: IAB was answered before")
                .isEqualTo(20);
        assertThat(fixed.stats().callsSaved()).isEqualTo(20);
        for (Sent s : replayed) {
            OutputReader.Output out = reader.outputsOf(s).stream().filter(o -> o.kind() == OutputReader.Kind.ENRICHED)
                    .findFirst().orElseThrow();
            assertThat(calls(out)).extracting(c -> c.get("task").toString(), c -> c.get("cached"))
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("iab", true),
                            org.assertj.core.groups.Tuple.tuple("summary", false));
        }
    }

    @Test
    void anAnswerIsAskedAgainOnceItsTtlHasPassed() {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(2)).seed(7));
        PipelineFixture.Topics t = fx.topics("ttl", 1);
        OutputReader reader = fx.reader(t);
        AtomicLong now = new AtomicLong(Instant.parse("2026-12-04T10:00:00Z").toEpochMilli());
        MillisClock clock = new MillisClock() {
            @Override
            public long millis() {
                return now.get();
            }
        };
        fx.start(fx.settings(t, "state", iab()).engine(PipelineFixture.engine().withClock(clock))
                .callResults(CallResultSettings.on(t.input() + "-call-results").withTtl(Duration.ofHours(1))).build());
        String text = PipelineFixture.text(3);

        List<Sent> sent = new ArrayList<>(fx.send(t.input(), List.of(fx.event("k", text))));
        reader.awaitAll(sent, Duration.ofMinutes(1));
        now.addAndGet(Duration.ofMinutes(59).toMillis());
        sent.addAll(fx.send(t.input(), List.of(fx.event("k", text))));
        reader.awaitAll(sent, Duration.ofMinutes(1));
        assertThat(fx.simulator().stats().requests()).as("served within the TTL").isEqualTo(1);

        now.addAndGet(Duration.ofMinutes(1).toMillis());
        sent.addAll(fx.send(t.input(), List.of(fx.event("k", text))));
        reader.awaitAll(sent, Duration.ofMinutes(1));
        assertThat(fx.simulator().stats().requests()).as("expired: asked again").isEqualTo(2);
        assertThat(sent).extracting(s -> calls(reader.only(s)).get(0).get("cached")).containsExactly(false, true, false);
    }

    @Test
    void afterAKillMinusNineAndARestartFromAnOlderOffsetNoCommittedAnswerIsPaidAgain() throws Exception {
        fx.startSimulator(SimulatorConfig.builder().fixedLatency(Duration.ofMillis(5)).seed(8));
        PipelineFixture.Topics t = fx.topics("restart", 2);
        OutputReader reader = fx.reader(t, PipelineProcess.registryWithOutputSchemas(t.enriched(), t.deadLetters()),
                true);
        String results = t.input() + "-call-results";
        List<Sent> sent = fx.sendEvents(t.input(), 40, n -> "k" + (n % 8), PipelineFixture::text);

        child = startChild(t, results);
        reader.awaitAll(sent, Duration.ofMinutes(2)); // read_committed: these outputs (and answers) are committed
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long paid = fx.simulator().stats().requests();
        assertThat(paid).isEqualTo(40);

        // Back to offset 0 of every partition: the static member the kill left behind is removed first.
        String group = "it-" + t.input();
        fx.admin().removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions())
                .all().get(30, TimeUnit.SECONDS); // no member named: every member (KIP-571)
        fx.admin().alterConsumerGroupOffsets(group, Map.of(new TopicPartition(t.input(), 0), new OffsetAndMetadata(0),
                new TopicPartition(t.input(), 1), new OffsetAndMetadata(0))).all().get(30, TimeUnit.SECONDS);

        child = startChild(t, results);
        await("every input processed again").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .failFast("child exited", () -> !child.isAlive())
                .until(() -> sent.stream().allMatch(s -> reader.outputsOf(s).size() == 2));
        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(fx.simulator().stats().requests()).as("no call paid again").isEqualTo(paid);
        for (Sent s : sent) {
            List<OutputReader.Output> outs = reader.outputsOf(s);
            assertThat(calls(outs.get(0)).get(0).get("cached")).isEqualTo(false);
            assertThat(calls(outs.get(1)).get(0).get("cached")).isEqualTo(true);
            assertThat(EnrichedRecords.string(calls(outs.get(1)).get(0), "request_id"))
                    .isEqualTo(EnrichedRecords.string(calls(outs.get(0)).get(0), "request_id"));
        }
    }

    private Process startChild(PipelineFixture.Topics t, String results) throws IOException {
        return PipelineProcess.start(fx, t, ProcessingGuarantee.EXACTLY_ONCE_V2, 64, fx.dir().resolve("child.log"),
                Map.of("IT_CALL_RESULTS", results));
    }
}
