package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.Disposition;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.serde.decode.DecoderConfig;
import dev.enricher.serde.decode.InputDecoder;
import dev.enricher.serde.decode.InputFormat;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskResult;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.tasks.TextResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A processor that closes with calls outstanding, and its successor that starts from the same pending store.
 *
 * <p>Why not TopologyTestDriver over one state dir: the driver deletes its state directory on {@code close()}, and in
 * Kafka Streams 4.4 a commit does not flush RocksDB's memtable (the WAL is off), so nothing survives to a second
 * driver. Here two processor incarnations share one store through {@link MockProcessorContext}; the store is the
 * in-memory one, which the engine reads and writes through the same {@link PendingStore} code.
 */
class EnrichmentProcessorRestoreTest {
    private static final EnrichmentTask IAB = TaskFactory.create(TaskSpec.of(TaskType.IAB));
    private static final EnrichmentTask SUMMARY = TaskFactory.create(TaskSpec.of(TaskType.TEXT_GENERATION));
    private static final Map<String, String> GOOD_ANSWER = Map.of(
            IAB.model(), "{\"audience\":[],\"content\":{\"iab_1_0\":[],\"iab_2_2\":[]}}",
            SUMMARY.model(), "A short summary.");

    private FakeChatTransport client = new FakeChatTransport();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final EnrichmentProcessorTest.RecordingSink sink = new EnrichmentProcessorTest.RecordingSink();
    private final KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("pending"), Serdes.Bytes(), Serdes.ByteArray())
            .withCachingDisabled().withLoggingDisabled().build();
    private EnrichmentEngine engine;
    private EngineConfig config;
    private List<EnrichmentTask> tasks;
    /** The task graph every incarnation's engine gets; null for independent tasks. */
    private dev.enricher.tasks.TaskGraph graph;
    /** The long-input handling every incarnation's engine gets; null for none. */
    private Map<String, dev.enricher.tasks.LongInput> longInputs;
    /** Engines and clients of killed incarnations: never closed while the test runs, as after a kill -9. */
    private final List<AutoCloseable> killed = new java.util.ArrayList<>();
    private MockProcessorContext<byte[], byte[]> context;
    private Processor<byte[], byte[], byte[], byte[]> processor;
    private long offset;

    @BeforeEach
    void initStore() {
        MockProcessorContext<byte[], byte[]> storeContext = new MockProcessorContext<>();
        store.init(storeContext.getStateStoreContext(), store);
    }

    @AfterEach
    void stop() throws Exception {
        if (processor != null) {
            processor.close();
        }
        if (engine != null) {
            engine.close();
        }
        client.close();
        for (AutoCloseable c : killed) {
            c.close();
        }
    }

    private void start(EnrichmentTask... tasks) {
        start(dev.enricher.client.RetryPolicy.defaults(), tasks);
    }

    private void start(dev.enricher.client.RetryPolicy retry, EnrichmentTask... tasks) {
        this.config = new EngineConfig(16, 100, Ordering.KEY, TaskFailurePolicy.DEAD_LETTER, retry,
                Duration.ofMillis(20), Duration.ofMillis(10), 20, Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(15), clock);
        this.tasks = List.of(tasks);
        engine = new EnrichmentEngine(config, this.tasks,
                InputDecoder.create(DecoderConfig.defaults(InputFormat.JSON), null), sink, client);
        if (graph != null) {
            engine.graph(graph);
        }
        if (longInputs != null) {
            engine.longInputs(longInputs);
        }
        incarnation();
    }

    /**
     * A kill -9 and a new instance: the processor is never closed, its engine and client die with it (no clean
     * close), and a new engine with its own client and a new processor start over the same store, which holds what
     * the processor had written in {@code process()} and its punctuators (its last commit).
     */
    private void killAndRestart() {
        killed.add(engine);
        killed.add(client);
        processor = null;
        client = new FakeChatTransport();
        engine = new EnrichmentEngine(config, tasks,
                InputDecoder.create(DecoderConfig.defaults(InputFormat.JSON), null), sink, client);
        if (graph != null) {
            engine.graph(graph);
        }
        if (longInputs != null) {
            engine.longInputs(longInputs);
        }
        incarnation();
    }

    /** A new processor incarnation over the same store, as after a restart or rebalance. */
    private void incarnation() {
        if (processor != null) {
            processor.close();
        }
        context = new MockProcessorContext<>();
        context.addStateStore(store);
        processor = engine.processorSupplier("pending").get();
        processor.init(context);
    }

    private void pipe(String key, String value) {
        context.setRecordMetadata("in", 0, offset++);
        processor.process(new Record<>(key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
                clock.millis()));
    }

    private void punctuate() {
        client.settle();
        clock.advance(Duration.ofMillis(20));
        for (MockProcessorContext.CapturedPunctuator p : context.scheduledPunctuators()) {
            p.getPunctuator().punctuate(clock.millis());
        }
    }

    private List<String> forwarded() {
        return context.forwarded().stream().map(f -> f.childName().orElse("?") + "/"
                + new String(f.record().value(), StandardCharsets.UTF_8)).toList();
    }

    private static String event(int n) {
        return "{\"id\":\"e" + n + "\",\"text\":\"Football match report [ev" + n + "]\"}";
    }

    private static String tag(int n) {
        return "[ev" + n + "]";
    }

    private static String describe(FakeChatTransport.FakeCall c) {
        return c.model() + " " + c.text().replaceAll(".*(\\[ev\\d+]).*", "$1");
    }

    private void answer(EnrichmentTask task, int event) {
        client.unanswered(task.model(), tag(event)).succeed(GOOD_ANSWER.get(task.model()));
    }

    /** Answers every open call of the event's task: the old incarnation's (stale) and the re-sent one. */
    private void answerAll(EnrichmentTask task, int event) {
        for (FakeChatTransport.FakeCall c : client.unanswered()) {
            if (c.model().equals(task.model()) && c.mentions(tag(event))) {
                c.succeed(GOOD_ANSWER.get(task.model()));
            }
        }
    }

    @Test
    void aRestartResendsExactlyTheOutstandingCallsAndEmitsEverythingOnce() {
        start(IAB, SUMMARY);
        pipe("A", event(0));
        pipe("A", event(1));
        pipe("B", event(2));
        assertThat(client.requestCount()).isEqualTo(6);
        answer(IAB, 1);
        answer(SUMMARY, 1);
        answer(IAB, 0);
        punctuate();
        assertThat(forwarded()).as("1 is done but waits for 0").isEmpty();
        List<FakeChatTransport.FakeCall> outstandingBefore = client.unanswered();
        assertThat(outstandingBefore).hasSize(3);

        incarnation();
        List<FakeChatTransport.FakeCall> resent = client.calls().subList(6, client.requestCount());
        assertThat(resent).extracting(EnrichmentProcessorRestoreTest::describe).containsExactlyInAnyOrder(
                SUMMARY.model() + " " + tag(0), IAB.model() + " " + tag(2), SUMMARY.model() + " " + tag(2));
        assertThat(engine.stats().resent()).isEqualTo(3);

        // The first incarnation's answers arrive late: dropped.
        for (FakeChatTransport.FakeCall c : outstandingBefore) {
            c.succeed(GOOD_ANSWER.get(c.model()));
        }
        punctuate();
        assertThat(engine.stats().staleCompletions()).isEqualTo(3);
        assertThat(forwarded()).isEmpty();

        for (FakeChatTransport.FakeCall c : resent) {
            c.succeed(GOOD_ANSWER.get(c.model()));
        }
        punctuate();
        punctuate();
        assertThat(forwarded()).containsExactlyInAnyOrder("enriched/enriched:0", "enriched/enriched:1",
                "enriched/enriched:2");
        assertThat(forwarded().indexOf("enriched/enriched:0")).isLessThan(forwarded().indexOf("enriched/enriched:1"));
        FinishedEvent restored1 = sink.byOffset.get(1L);
        assertThat(restored1.outcomes()).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
        assertThat(client.requestCount()).isEqualTo(9);
        assertThat(store.approximateNumEntries()).as("every entry deleted as its event left").isZero();
    }

    @Test
    void aRestartMidGraphResendsOnlyTheDependentTaskAndAsksItAboutTheStoredResult() {
        EnrichmentTask followups = TaskFactory.create(TaskSpec.of(TaskType.FOLLOWUP_QUESTIONS));
        graph = dev.enricher.tasks.TaskGraph.of(List.of(SUMMARY, followups), Map.of("followups", "summary.text"),
                Map.of());
        start(SUMMARY, followups);
        pipe("A", event(0));
        assertThat(client.calls()).extracting(FakeChatTransport.FakeCall::model).containsExactly(SUMMARY.model());
        client.unanswered(SUMMARY.model(), tag(0)).succeed("A short summary of [ev0].");
        punctuate();
        assertThat(client.unanswered()).extracting(FakeChatTransport.FakeCall::model)
                .containsExactly(followups.model());

        killAndRestart();
        assertThat(client.calls()).as("the summary's stored answer is not asked again").singleElement()
                .satisfies(c -> {
                    assertThat(c.model()).isEqualTo(followups.model());
                    assertThat(c.mentions("A short summary of [ev0].")).isTrue();
                });
        client.unanswered(followups.model(), tag(0)).succeed("[\"What next?\"]");
        punctuate();
        punctuate();
        assertThat(forwarded()).containsExactly("enriched/enriched:0");
        assertThat(sink.byOffset.get(0L).outcomes()).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
    }

    @Test
    void aRestartMidPiecesResendsOnlyTheUnansweredPiecesAndMergesWithTheStoredAnswers() {
        EnrichmentTask iab = IAB;
        longInputs = Map.of(iab.name(), new dev.enricher.tasks.LongInput(dev.enricher.tasks.LongInput.Mode.CHUNK, 50));
        start(iab);
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < 8; s++) {
            text.append("Sentence ").append(s).append(" of the match report [ev0]. ");
        }
        pipe("A", "{\"text\":\"" + text.toString().trim() + "\"}");
        List<FakeChatTransport.FakeCall> pieces = client.calls();
        int n = pieces.size();
        assertThat(n).isGreaterThan(2);
        pieces.get(0).succeed("{\"audience\":[{\"name\":\"Sports Fans\",\"score\":0.4}],\"content\":{\"iab_1_0\":[],"
                + "\"iab_2_2\":[]}}");
        pieces.get(n - 1).succeed("{\"audience\":[{\"name\":\"Sports Fans\",\"score\":0.9}],\"content\":{"
                + "\"iab_1_0\":[],\"iab_2_2\":[]}}");
        punctuate();

        killAndRestart();
        assertThat(client.calls()).as("the answered pieces are not asked again").hasSize(n - 2)
                .extracting(FakeChatTransport.FakeCall::text)
                .containsExactlyElementsOf(pieces.subList(1, n - 1).stream().map(FakeChatTransport.FakeCall::text)
                        .toList());
        for (FakeChatTransport.FakeCall c : client.calls()) {
            c.succeed(GOOD_ANSWER.get(IAB.model()));
        }
        punctuate();
        punctuate();
        assertThat(forwarded()).containsExactly("enriched/enriched:0");
        TaskOutcome o = sink.byOffset.get(0L).outcomes().get(0);
        assertThat(((dev.enricher.tasks.IabResult) o.result()).audience()).extracting(
                dev.enricher.tasks.ScoredLabel::score).as("the merge keeps the stored pieces' maximum").containsExactly(0.9);
        assertThat(o.pieces()).hasSize(n);
    }

    @Test
    void aRestartDoesNotResendCallsOfAnEventThatHadAlreadyFailedForGood() {
        start(IAB, SUMMARY);
        pipe("A", event(0));
        pipe("A", event(1));
        // Event 1 fails for good (DEAD_LETTER policy) while its summary call is still out and event 0 holds it back.
        client.unanswered(IAB.model(), tag(1)).fail(FakeChatTransport.httpError(Disposition.RECORD, 400));
        punctuate();
        assertThat(forwarded()).isEmpty();
        int before = client.requestCount();

        incarnation();
        List<String> resent = client.calls().subList(before, client.requestCount()).stream()
                .map(EnrichmentProcessorRestoreTest::describe).toList();
        assertThat(resent).as("only event 0's calls are outstanding; event 1 is finished")
                .containsExactlyInAnyOrder(IAB.model() + " " + tag(0), SUMMARY.model() + " " + tag(0));
        answerAll(IAB, 0);
        answerAll(SUMMARY, 0);
        punctuate();
        assertThat(forwarded()).containsExactly("enriched/enriched:0", "dead-letters/dlq:1:API_RECORD_ERROR");
    }

    @Test
    void aStoredAnswerTheTaskRefusesOnRestoreFailsItsTaskInsteadOfTheStart() {
        AtomicBoolean stricter = new AtomicBoolean();
        EnrichmentTask summary = new StricterAfterUpgrade(SUMMARY, stricter);
        start(IAB, summary);
        pipe("A", event(0));
        answer(SUMMARY, 0);
        punctuate();
        assertThat(forwarded()).as("waits for its IAB answer").isEmpty();

        stricter.set(true); // the next version checks more (for example span offsets against the text)
        incarnation();
        answerAll(IAB, 0);
        punctuate();

        assertThat(forwarded()).containsExactly("dead-letters/dlq:0:RESPONSE_UNPARSEABLE");
        Failure f = sink.byOffset.get(0L).failure();
        assertThat(f.task()).isEqualTo(SUMMARY.name());
        assertThat(f.reason()).contains("refused by the stricter parser");
        assertThat(f.rawContent()).isEqualTo(GOOD_ANSWER.get(SUMMARY.model()));
        assertThat(store.approximateNumEntries()).isZero();
    }

    /** A task whose parse against the text refuses every answer once {@code stricter} is set. */
    private record StricterAfterUpgrade(EnrichmentTask task, AtomicBoolean stricter) implements EnrichmentTask {
        @Override
        public String name() {
            return task.name();
        }

        @Override
        public String model() {
            return task.model();
        }

        @Override
        public String fingerprint() {
            return task.fingerprint(); // the same configuration, parsed more strictly by the next version
        }

        @Override
        public ChatRequest request(String text) {
            return task.request(text);
        }

        @Override
        public TaskResult parse(ChatCompletion completion) {
            return task.parse(completion);
        }

        @Override
        public TaskResult parse(ChatCompletion completion, String text) {
            if (stricter.get()) {
                throw ZeroGpuException.unparseableContent(completion, "refused by the stricter parser");
            }
            return task.parse(completion, text);
        }
    }

    @Test
    void restoredEventsCountAsAdmittedAgainAndTheGaugesComeBack() {
        start(IAB);
        pipe("A", event(0));
        pipe("B", event(1));
        assertThat(engine.stats().admitted()).isEqualTo(2);
        assertThat(engine.stats().pending()).isEqualTo(2);
        incarnation();
        assertThat(engine.stats().pending()).as("the closed incarnation gave its events back, the new one took them")
                .isEqualTo(2);
        assertThat(engine.stats().admitted()).as("EngineStats#admitted: 'including restored ones again after a restart'")
                .isEqualTo(4);
    }

    @Test
    void aRestartEmitsADeadLetterThatWasWaitingForItsTurn() {
        start(IAB);
        pipe("A", event(0));
        pipe("A", "{not json");
        int before = client.requestCount();
        incarnation();
        assertThat(client.requestCount() - before).as("only event 0 is re-sent").isEqualTo(1);
        client.calls().get(before).succeed(GOOD_ANSWER.get(IAB.model()));
        punctuate();
        assertThat(forwarded()).containsExactly("enriched/enriched:0", "dead-letters/dlq:1:DESERIALIZATION");
    }

    /** Time moves on by {@code d} (and 20 ms more), then the punctuators run. */
    private void after(Duration d) {
        clock.advance(d);
        punctuate();
    }

    /** Task 0's stored retry state of the entry with admission sequence {@code seq}. */
    private dev.enricher.engine.avro.StoredTask storedTask(long seq) {
        byte[] key = java.nio.ByteBuffer.allocate(Long.BYTES).putLong(seq).array();
        return PendingStore.decode(store.get(Bytes.wrap(key))).getTasks().get(0);
    }

    @Test
    void aKilledInstanceKeepsAttemptsAndRetryTimesAcrossRestarts() {
        // Three attempts in all; the API asks to wait 20 s (event 0) and 60 s (event 1) after each failure.
        start(new dev.enricher.client.RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(120), Duration.ofMinutes(10)), IAB);
        pipe("A", event(0));
        pipe("B", event(1));
        long firstSent = clock.millis();
        client.unanswered(IAB.model(), tag(0)).fail(FakeChatTransport.rateLimited(Duration.ofSeconds(20)));
        client.unanswered(IAB.model(), tag(1)).fail(FakeChatTransport.rateLimited(Duration.ofSeconds(60)));
        punctuate();
        assertThat(engine.stats().retries()).isEqualTo(2);
        long due0 = storedTask(0).getNextAttemptAt();
        long due1 = storedTask(1).getNextAttemptAt();
        assertThat(due0).isEqualTo(firstSent + 20_000 + 20); // sent at firstSent, failed at the punctuation 20 ms on
        assertThat(due1).isEqualTo(firstSent + 60_000 + 20);
        assertThat(storedTask(0).getAttempts()).isEqualTo(1);

        after(Duration.ofSeconds(5));
        killAndRestart();
        assertThat(client.requestCount()).as("no call before its persisted due time: no retry storm at start")
                .isZero();
        after(Duration.ofSeconds(14));
        assertThat(clock.millis()).isLessThan(due0);
        assertThat(client.requestCount()).isZero();

        clock.advance(Duration.ofMillis(due0 - clock.millis() - 20));
        punctuate();
        assertThat(client.calls()).extracting(EnrichmentProcessorRestoreTest::describe)
                .as("event 0's retry goes out when due, event 1's still waits")
                .containsExactly(IAB.model() + " " + tag(0));
        client.unanswered(IAB.model(), tag(0)).fail(FakeChatTransport.rateLimited(Duration.ofSeconds(20)));
        punctuate();
        assertThat(storedTask(0).getAttempts()).as("the count goes on from the first incarnation's").isEqualTo(2);
        long due0Again = storedTask(0).getNextAttemptAt();

        // Killed again, and down until both retries are overdue: each is sent once, at the start.
        clock.advance(Duration.ofMillis(Math.max(due0Again, due1) + 1_000 - clock.millis()));
        killAndRestart();
        assertThat(client.calls()).extracting(EnrichmentProcessorRestoreTest::describe)
                .containsExactlyInAnyOrder(IAB.model() + " " + tag(0), IAB.model() + " " + tag(1));
        client.unanswered(IAB.model(), tag(0)).fail(FakeChatTransport.rateLimited(Duration.ofSeconds(20)));
        client.unanswered(IAB.model(), tag(1)).succeed(GOOD_ANSWER.get(IAB.model()));
        punctuate();
        punctuate();

        assertThat(forwarded()).containsExactlyInAnyOrder("dead-letters/dlq:0:API_RETRIES_EXHAUSTED",
                "enriched/enriched:1");
        Failure exhausted = sink.byOffset.get(0L).failure();
        assertThat(exhausted.attempts()).as("three attempts, over three incarnations").isEqualTo(3);
        assertThat(exhausted.firstAttemptAt()).isEqualTo(firstSent);
        assertThat(sink.byOffset.get(1L).outcomes().get(0).call().attempts()).isEqualTo(2);
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void aRepairInProgressSurvivesAKillAndContinuesTheConversationInsteadOfAskingAgain() {
        EnrichmentTask sentiment = TaskFactory.create(new TaskSpec("sentiment", TaskType.PROMPT, null, Map.of(
                "template", "Sentiment of: {{text}}", "fallback_model", "LFM2.5-1.2B-Instruct",
                "output", Map.of("json-schema", Map.of("type", "object", "required", List.of("label"),
                        "properties", Map.of("label", Map.of("type", "string", "enum", List.of("pos", "neg"))))))));
        start(sentiment);
        pipe("A", event(0));
        client.unanswered(sentiment.model(), tag(0)).fail(FakeChatTransport.httpError(
                dev.enricher.client.Disposition.RECORD, 404));
        punctuate();
        client.unanswered("LFM2.5-1.2B-Instruct", tag(0)).succeed("{\"label\":\"meh\"}");
        punctuate();
        assertThat(client.unanswered()).as("the repair is on the wire").hasSize(1);

        killAndRestart();
        punctuate();
        FakeChatTransport.FakeCall resent = client.unanswered().get(0);
        assertThat(client.requestCount()).as("only the repair is sent again").isEqualTo(1);
        assertThat(resent.model()).as("still on the fallback").isEqualTo("LFM2.5-1.2B-Instruct");
        assertThat(resent.request().messages()).extracting(m -> m.role())
                .containsExactly("system", "user", "assistant", "user");
        assertThat(resent.request().messages().get(2).content()).isEqualTo("{\"label\":\"meh\"}");
        resent.succeed("{\"label\":\"pos\"}");
        punctuate();
        FinishedEvent done = sink.byOffset.get(0L);
        assertThat(done.failure()).isNull();
        assertThat(done.outcomes().get(0).model()).isEqualTo("LFM2.5-1.2B-Instruct");
        assertThat(done.outcomes().get(0).earlier()).as("the refused answer, accounted once").hasSize(1);
    }

    private static EnrichmentTask prompted(String name, String prompt) {
        return TaskFactory.create(new TaskSpec(name, TaskType.TEXT_GENERATION, null, Map.of("system_prompt", prompt)));
    }

    /** A kill -9 and a new version with another task list over the same store, as in a rolling deploy. */
    private void killAndRestartWith(EnrichmentTask... newTasks) {
        tasks = List.of(newTasks);
        killAndRestart();
    }

    private FakeChatTransport.FakeCall unansweredMentioning(String marker) {
        List<FakeChatTransport.FakeCall> found = client.unanswered().stream().filter(c -> c.mentions(marker)).toList();
        assertThat(found).as("unanswered calls mentioning %s", marker).hasSize(1);
        return found.get(0);
    }

    private static String resultText(FinishedEvent e, String task) {
        return e.outcomes().stream().filter(o -> o.task().equals(task)).map(o -> ((TextResult) o.result()).text())
                .findFirst().orElseThrow();
    }

    @Test
    void aChangedTaskListKeepsUnchangedAnswersRerunsChangedTasksRunsNewOnesAndDropsRemovedOnes() {
        EnrichmentTask a = prompted("a", "PROMPT-A");
        EnrichmentTask b = prompted("b", "PROMPT-B");
        EnrichmentTask c = prompted("c", "PROMPT-C");
        start(a, b, c, IAB);
        pipe("A", event(0));
        unansweredMentioning("PROMPT-A").succeed("answer of a");
        unansweredMentioning("PROMPT-B").succeed("answer of b");
        unansweredMentioning("PROMPT-C").succeed("answer of c");
        punctuate();
        assertThat(forwarded()).as("waits for its IAB answer").isEmpty();

        // The next version: b removed, c's prompt changed under the same name, d added, the order shuffled. Matched
        // by position, IAB's parser would now read c's stored answer, and a's answer would land on c.
        EnrichmentTask changedC = prompted("c", "PROMPT-C2");
        EnrichmentTask d = prompted("d", "PROMPT-D");
        assertThat(changedC.fingerprint()).isNotEqualTo(c.fingerprint());
        assertThat(prompted("a", "PROMPT-A").fingerprint()).as("stable for the same configuration")
                .isEqualTo(a.fingerprint());
        killAndRestartWith(IAB, changedC, a, d);

        assertThat(client.calls()).extracting(FakeChatTransport.FakeCall::text)
                .as("IAB still outstanding, c asked again with its new prompt, d new; a kept, b gone").hasSize(3);
        assertThat(client.calls().stream().filter(x -> x.mentions("PROMPT-A") || x.mentions("PROMPT-B")
                || x.mentions("PROMPT-C\"") || x.mentions("PROMPT-C ")).toList()).isEmpty();
        client.unanswered(IAB.model(), tag(0)).succeed(GOOD_ANSWER.get(IAB.model()));
        unansweredMentioning("PROMPT-C2").succeed("answer of the new c");
        unansweredMentioning("PROMPT-D").succeed("answer of d");
        punctuate();

        assertThat(forwarded()).containsExactly("enriched/enriched:0");
        FinishedEvent out = sink.byOffset.get(0L);
        assertThat(out.outcomes()).extracting(TaskOutcome::task).containsExactly("iab", "c", "a", "d");
        assertThat(resultText(out, "a")).as("kept from before the change").isEqualTo("answer of a");
        assertThat(resultText(out, "c")).isEqualTo("answer of the new c");
        assertThat(resultText(out, "d")).isEqualTo("answer of d");
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void anEntryOfAVersionBeforeFingerprintsIsAskedAgainRatherThanParsedByGuess() {
        start(IAB, SUMMARY);
        pipe("A", event(0));
        answer(SUMMARY, 0);
        punctuate();
        // What the previous version wrote: the same task states without fingerprints.
        byte[] key = java.nio.ByteBuffer.allocate(Long.BYTES).putLong(0).array();
        dev.enricher.engine.avro.PendingEntry stored = PendingStore.decode(store.get(Bytes.wrap(key)));
        stored.getTasks().forEach(t -> t.setFingerprint(null));
        store.put(Bytes.wrap(key), PendingStore.encode(stored));

        killAndRestart();
        assertThat(client.calls()).extracting(EnrichmentProcessorRestoreTest::describe)
                .containsExactlyInAnyOrder(IAB.model() + " " + tag(0), SUMMARY.model() + " " + tag(0));
        answer(IAB, 0);
        answer(SUMMARY, 0);
        punctuate();
        assertThat(forwarded()).containsExactly("enriched/enriched:0");
    }

    @Test
    void anEntryNoKnownSchemaReadsIsDeadLetteredWithItsInputInsteadOfFailingTheStart() {
        start(IAB);
        pipe("A", event(0));
        pipe("B", event(1));
        punctuate();
        // Entry 0 as a newer version would write it: an unknown writer schema (fingerprint) over the same prefix.
        byte[] key = java.nio.ByteBuffer.allocate(Long.BYTES).putLong(0).array();
        byte[] newer = store.get(Bytes.wrap(key)).clone();
        newer[2] ^= 0x5A;
        store.put(Bytes.wrap(key), newer);

        killAndRestart();
        answerAll(IAB, 1);
        punctuate();

        assertThat(forwarded()).containsExactly("dead-letters/dlq:0:INTERNAL", "enriched/enriched:1");
        FinishedEvent dead = sink.byOffset.get(0L);
        assertThat(dead.failure().reason()).contains("cannot read").contains("kept in this dead letter for replay");
        assertThat(new String(dead.input().value(), StandardCharsets.UTF_8)).isEqualTo(event(0));
        assertThat(new String(dead.input().key(), StandardCharsets.UTF_8)).isEqualTo("A");
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void randomTaskListChangesNeverFailARestoreAndEveryEventLeavesOnce() {
        java.util.Random random = new java.util.Random(20261204);
        List<EnrichmentTask> pool = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            pool.add(prompted("t" + i, "PROMPT-T" + i + "-v1"));
            pool.add(prompted("t" + i, "PROMPT-T" + i + "-v2"));
        }
        start(pick(pool, random));
        int events = 0;
        for (int round = 0; round < 40; round++) {
            for (int k = 0; k < 3; k++) {
                pipe("K" + random.nextInt(4), event(events++));
            }
            // Answer some of the open calls, fail some for good, leave the rest pending.
            for (FakeChatTransport.FakeCall call : client.unanswered()) {
                int r = random.nextInt(4);
                if (r == 0) {
                    call.succeed("an answer");
                } else if (r == 1) {
                    call.fail(FakeChatTransport.rateLimited(Duration.ofMillis(100)));
                }
            }
            punctuate();
            killAndRestartWith(pick(pool, random));
        }
        // Finally answer everything until the store is empty.
        for (int i = 0; i < 50 && store.approximateNumEntries() > 0; i++) {
            clock.advance(Duration.ofSeconds(1));
            client.unanswered().forEach(c -> c.succeed("an answer"));
            punctuate();
        }
        assertThat(store.approximateNumEntries()).isZero();
        for (long offset = 0; offset < events; offset++) {
            FinishedEvent e = sink.byOffset.get(offset);
            assertThat(e).as("event %d left", offset).isNotNull();
            if (e.failure() == null) {
                assertThat(e.outcomes()).extracting(TaskOutcome::task).doesNotHaveDuplicates();
            }
        }
        assertThat(sink.emitted).as("every input leaves exactly once").hasSize(events)
                .doesNotHaveDuplicates();
    }

    /** One to four tasks of distinct names from the pool, in random order. */
    private static EnrichmentTask[] pick(List<EnrichmentTask> pool, java.util.Random random) {
        List<EnrichmentTask> shuffled = new java.util.ArrayList<>(pool);
        java.util.Collections.shuffle(shuffled, random);
        java.util.Map<String, EnrichmentTask> byName = new java.util.LinkedHashMap<>();
        int n = 1 + random.nextInt(4);
        for (EnrichmentTask t : shuffled) {
            if (byName.size() < n) {
                byName.putIfAbsent(t.name(), t);
            }
        }
        return byName.values().toArray(EnrichmentTask[]::new);
    }
}
