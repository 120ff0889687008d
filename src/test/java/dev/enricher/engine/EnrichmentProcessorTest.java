package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.client.Disposition;
import dev.enricher.client.RetryPolicy;
import dev.enricher.serde.decode.DecoderConfig;
import dev.enricher.serde.decode.InputDecoder;
import dev.enricher.serde.decode.InputFormat;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import dev.enricher.topology.EnrichmentPipeline;
import dev.enricher.topology.PipelineSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's processor in the real topology ({@link EnrichmentPipeline#topology}) under {@link TopologyTestDriver},
 * with a fake client whose calls the test answers, the real JSON decoder and real tasks. The sink writes
 * {@code enriched:<offset>} and {@code dlq:<offset>:<category>} so outputs read at a glance.
 */
class EnrichmentProcessorTest {
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");
    private static final Duration TICK = Duration.ofMillis(20);
    private static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofSeconds(60), Duration.ofMinutes(5));

    private static final EnrichmentTask IAB = TaskFactory.create(TaskSpec.of(TaskType.IAB));
    private static final EnrichmentTask FOLLOWUPS = TaskFactory.create(TaskSpec.of(TaskType.FOLLOWUP_QUESTIONS));
    private static final EnrichmentTask SUMMARY = TaskFactory.create(TaskSpec.of(TaskType.TEXT_GENERATION));
    private static final Map<String, String> GOOD_ANSWER = Map.of(
            IAB.model(), "{\"audience\":[{\"name\":\"Sports Fans\",\"score\":0.9}],\"content\":{\"iab_1_0\":[],\"iab_2_2\":[]}}",
            FOLLOWUPS.model(), "[\"What comes next?\"]",
            SUMMARY.model(), "A short summary.");

    @TempDir
    Path tmp;

    private final FakeChatTransport client = new FakeChatTransport();
    private final MutableClock clock = new MutableClock(START);
    private final RecordingSink sink = new RecordingSink();
    private final List<TopologyTestDriver> drivers = new ArrayList<>();
    private EnrichmentEngine engine;
    private PipelineSettings settings;
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> input;
    private TestOutputTopic<String, String> enrichedTopic;
    private TestOutputTopic<String, String> deadLetterTopic;

    /** Writes short strings and remembers every finished event, in the order the processor emitted them. */
    public static final class RecordingSink implements EventSink {
        final List<String> emitted = new CopyOnWriteArrayList<>();
        final Map<Long, FinishedEvent> byOffset = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Record<byte[], byte[]> enriched(FinishedEvent e, long now) {
            return record(e, "enriched:" + e.input().offset());
        }

        @Override
        public Record<byte[], byte[]> deadLetter(FinishedEvent e, long now) {
            return record(e, "dlq:" + e.input().offset() + ":" + e.failure().category());
        }

        private Record<byte[], byte[]> record(FinishedEvent e, String v) {
            emitted.add(v);
            byOffset.put(e.input().offset(), e);
            return new Record<>(e.input().key(), v.getBytes(StandardCharsets.UTF_8), e.input().timestamp());
        }
    }

    private static EngineConfig config(MutableClock clock) {
        return new EngineConfig(16, 100, Ordering.KEY, TaskFailurePolicy.DEAD_LETTER, RETRY, Duration.ofMillis(20),
                Duration.ofMillis(10), 20, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(15), clock);
    }

    private void start(EngineConfig config, EnrichmentTask... tasks) {
        engine = new EnrichmentEngine(config, List.of(tasks),
                InputDecoder.create(DecoderConfig.defaults(InputFormat.JSON), null), sink, client);
        settings = EngineDrivers.settings("engine-test", config, List.of(tasks)).build();
        openDriver(tmp.resolve("state-1"));
    }

    private void openDriver(Path stateDir) {
        driver = EngineDrivers.driver(settings, engine, stateDir, clock.instant());
        drivers.add(driver);
        input = driver.createInputTopic("in", new StringSerializer(), new StringSerializer(), clock.instant(),
                Duration.ZERO);
        enrichedTopic = driver.createOutputTopic("out", new StringDeserializer(), new StringDeserializer());
        deadLetterTopic = driver.createOutputTopic("dlq", new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        for (TopologyTestDriver d : drivers) {
            try {
                d.close();
            } catch (RuntimeException alreadyClosed) {
                // closed by the test
            }
        }
        if (engine != null) {
            engine.close();
        }
        client.close();
    }

    private static String event(int n) {
        return "{\"id\":\"e" + n + "\",\"text\":\"Football match report [ev" + n + "]\"}";
    }

    private static String tag(int n) {
        return "[ev" + n + "]";
    }

    /** Moves the engine's clock and the driver's wall clock together (punctuators run). */
    private void tick(Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    /** Lets answers reach the processor, then lets its punctuator emit. */
    private void settle() {
        client.settle();
        tick(TICK);
    }

    private void answer(EnrichmentTask task, int event) {
        client.unanswered(task.model(), tag(event)).succeed(GOOD_ANSWER.get(task.model()));
    }

    // ------------------------------------------------------------------------------------------------ joining

    @Test
    void anEventWithThreeTasksIsJoinedIntoOneOutputOnceAllThreeAnswered() {
        start(config(clock), IAB, FOLLOWUPS, SUMMARY);
        input.pipeInput("a", event(0));
        assertThat(client.calls()).extracting(FakeChatTransport.FakeCall::model)
                .containsExactlyInAnyOrder(IAB.model(), FOLLOWUPS.model(), SUMMARY.model());

        answer(SUMMARY, 0);
        answer(IAB, 0);
        settle();
        assertThat(sink.emitted).isEmpty();
        assertThat(enrichedTopic.isEmpty()).isTrue();

        answer(FOLLOWUPS, 0);
        settle();
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        assertThat(deadLetterTopic.isEmpty()).isTrue();
        FinishedEvent done = sink.byOffset.get(0L);
        assertThat(done.outcomes()).extracting(TaskOutcome::task).containsExactly("iab", "followups", "summary");
        assertThat(done.outcomes()).allSatisfy(o -> {
            assertThat(o.succeeded()).isTrue();
            assertThat(o.call().attempts()).isEqualTo(1);
        });
        assertThat(done.event().text()).contains(tag(0));
        assertThat(engine.stats().enriched()).isEqualTo(1);
        assertThat(engine.stats().pending()).isZero();
        tick(TICK);
        assertThat(sink.emitted).as("emitted once").hasSize(1);
    }

    // ------------------------------------------------------------------------------------------------ ordering

    @Test
    void keyOrderHoldsWhateverTheAnswerOrderAndDeadLettersKeepTheirPlace() {
        start(config(clock), IAB);
        input.pipeInput("A", event(0));
        input.pipeInput("A", "{not json");
        input.pipeInput("A", event(2));
        input.pipeInput("B", event(3));
        input.pipeInput("A", event(4));
        assertThat(client.requestCount()).isEqualTo(4);

        answer(IAB, 4);
        answer(IAB, 2);
        answer(IAB, 3);
        settle();
        assertThat(sink.emitted).as("B is not held back by A").containsExactly("enriched:3");

        answer(IAB, 0);
        settle();
        assertThat(sink.emitted).containsExactly("enriched:3", "enriched:0", "dlq:1:DESERIALIZATION", "enriched:2",
                "enriched:4");
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:3", "enriched:0", "enriched:2",
                "enriched:4");
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:1:DESERIALIZATION");
        assertThat(engine.stats().deadLettered(DeadLetterCategory.DESERIALIZATION)).isEqualTo(1);
    }

    @Test
    void unorderedModeEmitsInCompletionOrder() {
        start(config(clock).withOrdering(Ordering.UNORDERED), IAB);
        input.pipeInput("A", event(0));
        input.pipeInput("A", "{not json");
        input.pipeInput("A", event(2));
        input.pipeInput("A", event(3));
        assertThat(sink.emitted).as("a bad record leaves at once").containsExactly("dlq:1:DESERIALIZATION");

        answer(IAB, 3);
        client.settle();
        answer(IAB, 0);
        client.settle();
        answer(IAB, 2);
        settle();
        assertThat(sink.emitted).containsExactly("dlq:1:DESERIALIZATION", "enriched:3", "enriched:0", "enriched:2");
    }

    // ------------------------------------------------------------------------------------------------ errors

    @Test
    void aRecordErrorIsDeadLetteredAtOnceWithItsStatus() {
        start(config(clock), IAB);
        input.pipeInput("A", event(0));
        client.unanswered(IAB.model(), tag(0)).fail(FakeChatTransport.httpError(Disposition.RECORD, 400));
        settle();
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:API_RECORD_ERROR");
        Failure f = sink.byOffset.get(0L).failure();
        assertThat(f.httpStatus()).isEqualTo(400);
        assertThat(f.task()).isEqualTo("iab");
        assertThat(f.model()).isEqualTo(IAB.model());
        assertThat(f.attempts()).isEqualTo(1);
        assertThat(f.requestId()).isEqualTo("req-err-400");
        assertThat(f.reason()).contains("HTTP 400");
        assertThat(client.requestCount()).as("a RECORD error is not retried").isEqualTo(1);
        assertThat(engine.stats().retries()).isZero();
    }

    @Test
    void unparseableContentIsDeadLetteredWithTheRawContent() {
        start(config(clock), IAB);
        input.pipeInput("A", event(0));
        client.unanswered(IAB.model(), tag(0)).succeed("Sports, probably");
        settle();
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:RESPONSE_UNPARSEABLE");
        Failure f = sink.byOffset.get(0L).failure();
        assertThat(f.rawContent()).isEqualTo("Sports, probably");
        assertThat(f.requestId()).isEqualTo("req-0");
        assertThat(client.requestCount()).isEqualTo(1);
    }

    @Test
    void piiSpansAreCheckedAgainstTheEventsTextInCodePointsAndAMisplacedOneIsDeadLettered() {
        EnrichmentTask pii = TaskFactory.create(TaskSpec.of(TaskType.PII));
        start(config(clock), pii);
        // Two emoji before the e-mail: 11 code points (as the API counts), 13 UTF-16 units (as Java indexes).
        String text = "\uD83D\uDE42\uD83D\uDE42 Contact john@example.com";
        input.pipeInput("A", "{\"text\":\"" + text + " [ev0]\"}");
        input.pipeInput("A", "{\"text\":\"" + text + " [ev1]\"}");
        client.unanswered(pii.model(), tag(0)).succeed(email(11, 27));
        client.unanswered(pii.model(), tag(1)).succeed(email(13, 29));
        settle();

        assertThat(sink.emitted).containsExactly("enriched:0", "dlq:1:RESPONSE_UNPARSEABLE");
        Failure f = sink.byOffset.get(1L).failure();
        assertThat(f.reason()).contains("$.entities[0].text", "the server counts UTF-16 units, not code points")
                .doesNotContain("john");
        assertThat(f.rawContent()).isEqualTo(email(13, 29));
    }

    private static String email(int start, int end) {
        return "{\"entities\":[{\"text\":\"john@example.com\",\"label\":\"email\",\"start\":" + start + ",\"end\":"
                + end + ",\"score\":0.95}]}";
    }

    @Test
    void transientFailuresAreRetriedAfterTheirDelayThenDeadLetteredWhenAttemptsRunOut() {
        start(config(clock), IAB);
        input.pipeInput("A", event(0));
        client.unanswered(IAB.model(), tag(0)).fail(FakeChatTransport.rateLimited(Duration.ofSeconds(2)));
        settle();
        assertThat(engine.stats().retries()).isEqualTo(1);
        tick(Duration.ofMillis(1_900));
        assertThat(client.requestCount()).as("not before Retry-After").isEqualTo(1);
        tick(Duration.ofMillis(200));
        assertThat(client.requestCount()).as("retried once Retry-After passed").isEqualTo(2);

        client.unanswered(IAB.model(), tag(0)).fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        settle();
        assertThat(engine.stats().retries()).isEqualTo(2);
        tick(Duration.ofMillis(1_000)); // the backoff ceiling of the second failure is 1 s
        assertThat(client.requestCount()).isEqualTo(3);
        assertThat(sink.emitted).isEmpty();

        client.unanswered(IAB.model(), tag(0)).fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        settle();
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:API_RETRIES_EXHAUSTED");
        Failure f = sink.byOffset.get(0L).failure();
        assertThat(f.attempts()).isEqualTo(3);
        assertThat(f.httpStatus()).isEqualTo(503);
        assertThat(f.firstAttemptAt()).isEqualTo(START.toEpochMilli());
        assertThat(f.lastAttemptAt()).isGreaterThan(f.firstAttemptAt());
        assertThat(client.requestCount()).isEqualTo(3);
        assertThat(engine.stats().retries()).isEqualTo(2);
    }

    @Test
    void aRetryThatSucceedsIsEnrichedWithItsAttemptsCounted() {
        start(config(clock), IAB);
        input.pipeInput("A", event(0));
        client.unanswered(IAB.model(), tag(0)).fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        settle();
        tick(Duration.ofSeconds(1));
        answer(IAB, 0);
        settle();
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        assertThat(sink.byOffset.get(0L).outcomes().get(0).call().attempts()).isEqualTo(2);
    }

    @Test
    void publishPartialPublishesOneRecordWhenOneOfThreeTasksFails() {
        start(config(clock).withOnTaskFailure(TaskFailurePolicy.PUBLISH_PARTIAL), IAB, FOLLOWUPS, SUMMARY);
        input.pipeInput("A", event(0));
        answer(IAB, 0);
        client.unanswered(FOLLOWUPS.model(), tag(0)).fail(FakeChatTransport.httpError(Disposition.RECORD, 413));
        settle();
        assertThat(sink.emitted).as("still waiting for the third task").isEmpty();
        answer(SUMMARY, 0);
        settle();
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        assertThat(deadLetterTopic.isEmpty()).isTrue();
        List<TaskOutcome> outcomes = sink.byOffset.get(0L).outcomes();
        assertThat(outcomes).extracting(TaskOutcome::succeeded).containsExactly(true, false, true);
        assertThat(outcomes.get(1).failure().httpStatus()).isEqualTo(413);
        assertThat(outcomes.get(1).failure().category()).isEqualTo(DeadLetterCategory.API_RECORD_ERROR);
    }

    @Test
    void deadLetterPolicyDeadLettersTheEventWhenOneTaskFails() {
        start(config(clock), IAB, SUMMARY);
        input.pipeInput("A", event(0));
        client.unanswered(SUMMARY.model(), tag(0)).fail(FakeChatTransport.httpError(Disposition.RECORD, 400));
        settle();
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:API_RECORD_ERROR");
        assertThat(sink.byOffset.get(0L).failure().task()).isEqualTo("summary");
    }

    // ------------------------------------------------------------------------------------------------ capacity

    @Test
    void recordsOverThePendingCapAreParkedAndPromotedInOrder() {
        start(config(clock).withMaxPendingPerTask(5), IAB);
        int n = 12;
        for (int i = 0; i < n; i++) {
            input.pipeInput("k" + (i % 3), event(i));
        }
        assertThat(client.requestCount()).isEqualTo(5);
        assertThat(engine.stats().parked()).isEqualTo(7);
        assertThat(engine.stats().peakPendingPerTask()).isLessThanOrEqualTo(5);

        for (int round = 0; round < 3 * n && sink.emitted.size() < n; round++) {
            List<FakeChatTransport.FakeCall> out = client.unanswered();
            if (!out.isEmpty()) {
                out.get(0).succeed(GOOD_ANSWER.get(IAB.model()));
            }
            settle();
            assertThat(engine.stats().peakPendingPerTask()).isLessThanOrEqualTo(5);
        }
        assertThat(sink.emitted).hasSize(n);
        List<String> sentOrder = client.calls().stream().map(c -> c.text().replaceAll(".*(\\[ev\\d+]).*", "$1"))
                .toList();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(tag(i));
        }
        assertThat(sentOrder).as("parked records are promoted in admission order").isEqualTo(expected);
        assertThat(client.maxOutstanding()).isLessThanOrEqualTo(5);
        assertThat(engine.stats().parked()).isZero();
        assertThat(engine.stats().pending()).isZero();
        assertThat(enrichedTopic.readValuesToList()).hasSize(n);
    }

    @Test
    void headersKeyAndTimestampReachTheFinishedEvent() {
        start(config(clock), IAB);
        org.apache.kafka.common.header.internals.RecordHeaders headers = new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
        headers.add("empty", null);
        input.pipeInput(new org.apache.kafka.streams.test.TestRecord<>("key-1", event(0), headers,
                START.plusSeconds(7)));
        answer(IAB, 0);
        settle();
        InputRecord in = sink.byOffset.get(0L).input();
        assertThat(new String(in.key(), StandardCharsets.UTF_8)).isEqualTo("key-1");
        assertThat(in.timestamp()).isEqualTo(START.plusSeconds(7).toEpochMilli());
        assertThat(in.topic()).isEqualTo("in");
        assertThat(in.headers()).extracting(InputRecord.Header::key).containsExactly("trace", "empty");
        assertThat(in.headers().get(1).value()).isNull();
        Map<String, String> byKey = new HashMap<>();
        enrichedTopic.readRecordsToList().forEach(r -> byKey.put(r.key(), r.value()));
        assertThat(byKey).containsEntry("key-1", "enriched:0");
    }

    // ------------------------------------------------------------------------------------------------ task input

    /** A task whose request is rendered from the event's id and attributes, and requires one of them. */
    private record Templated(String name, String model, dev.enricher.tasks.PromptTemplate template)
            implements EnrichmentTask {
        static Templated of() {
            return new Templated("templated", SUMMARY.model(), dev.enricher.tasks.PromptTemplate.compile("templated",
                    "template", "Event {{id}} in {{attributes.lang}}: {{text}}", List.of("attributes.lang")));
        }

        @Override
        public dev.enricher.client.ChatRequest request(String text) {
            return request(dev.enricher.tasks.TaskInput.of(text));
        }

        @Override
        public dev.enricher.client.ChatRequest request(dev.enricher.tasks.TaskInput input) {
            return dev.enricher.client.ChatRequest.builder(model).user(template.render(input)).build();
        }

        @Override
        public dev.enricher.tasks.TaskResult parse(dev.enricher.client.ChatCompletion completion) {
            return SUMMARY.parse(completion);
        }
    }

    @Test
    void aTaskIsAskedWithTheEventsIdAndAttributesAndAnEventLackingARequiredOneIsADeadLetterNamingIt() {
        Templated task = Templated.of();
        start(config(clock), task);
        input.pipeInput("a", "{\"id\":\"e0\",\"text\":\"Match report [ev0]\",\"lang\":\"de\"}");
        input.pipeInput("b", "{\"id\":\"e1\",\"text\":\"Match report [ev1]\"}");

        assertThat(client.calls()).extracting(FakeChatTransport.FakeCall::text)
                .containsExactly("Event e0 in de: Match report [ev0]");
        client.unanswered(task.model(), tag(0)).succeed("Summary.");
        settle();

        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:1:VALIDATION");
        Failure f = sink.byOffset.get(1L).failure();
        assertThat(f.task()).isEqualTo("templated");
        assertThat(f.reason()).contains("attributes.lang").contains("required");
        assertThat(f.attempts()).as("no call made").isNull();
    }

    /** A task with a bug: it cannot build its request for any event. */
    private record Broken(String name, String model) implements EnrichmentTask {
        @Override
        public dev.enricher.client.ChatRequest request(String text) {
            throw new IllegalStateException("a bug in the task");
        }

        @Override
        public dev.enricher.tasks.TaskResult parse(dev.enricher.client.ChatCompletion completion) {
            throw new AssertionError("never asked");
        }
    }

    @Test
    void aTaskThatFailsToBuildItsRequestEndsTheEventAsADeadLetterWithoutStoppingTheStream() {
        start(config(clock), IAB, new Broken("broken", SUMMARY.model()));
        input.pipeInput("a", event(0));
        input.pipeInput("a", event(1));
        answer(IAB, 0);
        answer(IAB, 1);
        settle();
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:INTERNAL", "dlq:1:INTERNAL");
        assertThat(sink.byOffset.get(0L).failure().reason()).contains("'broken'").contains("a bug in the task");
    }

    // ------------------------------------------------------------------------------------------------ prompt tasks

    private static final String SENTIMENT_SCHEMA = "{\"type\":\"object\",\"required\":[\"label\",\"score\"],"
            + "\"properties\":{\"label\":{\"type\":\"string\",\"enum\":[\"positive\",\"neutral\",\"negative\"]},"
            + "\"score\":{\"type\":\"number\",\"minimum\":0,\"maximum\":1}}}";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonMap(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static EnrichmentTask sentiment(Map<String, Object> more) {
        Map<String, Object> options = new HashMap<>(Map.of("template", "Sentiment of: {{text}}",
                "output", Map.of("json-schema", jsonMap(SENTIMENT_SCHEMA))));
        options.putAll(more);
        return TaskFactory.create(new TaskSpec("sentiment", TaskType.PROMPT, null, options));
    }

    @Test
    void anAnswerThatFailsItsSchemaIsSentBackWithTheValidatorsWordsAndBothCallsAreAccounted() {
        EnrichmentTask task = sentiment(Map.of());
        start(config(clock), task);
        input.pipeInput("A", event(0));
        client.unanswered(task.model(), tag(0)).succeed("{\"label\":\"great\",\"score\":0.9}");
        settle();
        assertThat(sink.emitted).as("not finished: a repair is asked").isEmpty();
        assertThat(client.requestCount()).isEqualTo(2);
        FakeChatTransport.FakeCall repair = client.unanswered().get(0);
        assertThat(repair.request().messages()).extracting(m -> m.role())
                .containsExactly("system", "user", "assistant", "user");
        assertThat(repair.request().messages().get(2).content()).isEqualTo("{\"label\":\"great\",\"score\":0.9}");
        assertThat(repair.text()).contains("/label").contains("enumeration");
        assertThat(engine.stats().repairs()).isEqualTo(1);

        repair.succeed("Here you go:\n```json\n{\"label\":\"positive\",\"score\":0.9}\n```");
        settle();
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        TaskOutcome o = sink.byOffset.get(0L).outcomes().get(0);
        org.apache.avro.generic.GenericRecord answer =
                ((dev.enricher.tasks.PromptTask.StructuredResult) o.result()).record();
        assertThat(answer.get("label")).hasToString("positive");
        assertThat(answer.get("score")).isEqualTo(0.9);
        assertThat(o.earlier()).as("the refused answer was paid: accounted").hasSize(1);
        assertThat(o.earlier().get(0).call().promptTokens()).isEqualTo(10);
        assertThat(o.earlier().get(0).call().requestId()).isEqualTo("req-0");
        assertThat(o.call().requestId()).isEqualTo("req-1");
    }

    @Test
    void anAnswerStillInvalidAfterItsRepairsIsDeadLetteredWithTheRawContentAndTheValidationError() {
        EnrichmentTask task = sentiment(Map.of());
        start(config(clock), task);
        input.pipeInput("A", event(0));
        client.unanswered(task.model(), tag(0)).succeed("{\"label\":\"great\"}");
        settle();
        client.unanswered().get(0).succeed("not json at all");
        settle();
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:RESPONSE_UNPARSEABLE");
        Failure f = sink.byOffset.get(0L).failure();
        assertThat(f.rawContent()).isEqualTo("not json at all");
        assertThat(f.reason()).contains("expected a JSON object").contains("after 1 repair");
        assertThat(client.requestCount()).as("one repair by default, then no more").isEqualTo(2);
        assertThat(sink.byOffset.get(0L).outcomes().get(0).earlier()).hasSize(1);
    }

    @Test
    void withNoRepairsConfiguredAnInvalidAnswerFailsAtOnce() {
        EnrichmentTask task = sentiment(Map.of("repairs", 0));
        start(config(clock), task);
        input.pipeInput("A", event(0));
        client.unanswered(task.model(), tag(0)).succeed("{\"label\":\"positive\",\"score\":7}");
        settle();
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:RESPONSE_UNPARSEABLE");
        assertThat(sink.byOffset.get(0L).failure().reason()).contains("/score");
        assertThat(client.requestCount()).isEqualTo(1);
    }

    @Test
    void aModelTheApiDoesNotKnowFallsBackOnceAndTheResultNamesTheModelThatAnswered() {
        EnrichmentTask task = sentiment(Map.of("fallback-model", "LFM2.5-1.2B-Instruct"));
        start(config(clock), task);
        input.pipeInput("A", event(0));
        client.unanswered(task.model(), tag(0)).fail(ZeroGpuExceptions.modelNotFound(404));
        settle();
        assertThat(client.requestCount()).isEqualTo(2);
        FakeChatTransport.FakeCall onFallback = client.unanswered("LFM2.5-1.2B-Instruct", tag(0));
        assertThat(engine.stats().fallbacks()).isEqualTo(1);
        onFallback.succeed("{\"label\":\"neutral\",\"score\":0.5}");
        settle();
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        TaskOutcome o = sink.byOffset.get(0L).outcomes().get(0);
        assertThat(o.model()).isEqualTo("LFM2.5-1.2B-Instruct");
        assertThat(o.call().attempts()).isEqualTo(1);
    }

    @Test
    void retriesExhaustedFallBackAndTheFallbackIsTriedOnceOnly() {
        EnrichmentTask task = sentiment(Map.of("fallback_model", "LFM2.5-1.2B-Instruct"));
        start(config(clock), task);
        input.pipeInput("A", event(0));
        for (int attempt = 0; attempt < 3; attempt++) {
            client.unanswered(task.model(), tag(0)).fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
            settle();
            tick(Duration.ofSeconds(1));
        }
        FakeChatTransport.FakeCall onFallback = client.unanswered("LFM2.5-1.2B-Instruct", tag(0));
        onFallback.fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        settle();
        tick(Duration.ofSeconds(5));
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:API_RETRIES_EXHAUSTED");
        Failure f = sink.byOffset.get(0L).failure();
        assertThat(f.model()).isEqualTo("LFM2.5-1.2B-Instruct");
        assertThat(f.reason()).startsWith("on fallback model LFM2.5-1.2B-Instruct (model " + task.model());
        assertThat(client.requestCount()).as("3 attempts on the model, 1 on the fallback").isEqualTo(4);
    }

    @Test
    void aTaskWithoutFallbackFailsOnAnUnknownModelAsBefore() {
        EnrichmentTask task = sentiment(Map.of());
        start(config(clock), task);
        input.pipeInput("A", event(0));
        client.unanswered(task.model(), tag(0)).fail(ZeroGpuExceptions.modelNotFound(400));
        settle();
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:API_RECORD_ERROR");
        assertThat(client.requestCount()).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------ conditions

    private void startWithConditions(Map<String, String> when, EnrichmentTask... tasks) {
        startWithGraph(Map.of(), when, config(clock), tasks);
    }

    /** Tasks with inputs ({@code input:}) and conditions, as the pipeline wires them. */
    private void startWithGraph(Map<String, String> inputs, Map<String, String> when, EngineConfig config,
                                EnrichmentTask... tasks) {
        List<String> names = Stream.of(tasks).map(EnrichmentTask::name).toList();
        Map<String, dev.enricher.tasks.TaskCondition> conditions = new HashMap<>();
        when.forEach((task, expression) -> conditions.put(task, dev.enricher.tasks.TaskCondition.compile(task,
                expression, names)));
        engine = new EnrichmentEngine(config, List.of(tasks),
                InputDecoder.create(DecoderConfig.defaults(InputFormat.JSON), null), sink, client);
        settings = PipelineSettings.builder().bootstrapServers("unused:9092").applicationId("engine-test")
                .inputTopic("in").enrichedTopic("out").deadLetterTopic("dlq").tasks(List.of(tasks))
                .conditions(conditions).inputs(inputs).engine(config).build();
        engine.conditions(conditions);
        engine.graph(settings.graph());
        openDriver(tmp.resolve("state-1"));
    }

    @Test
    void aTaskWhoseConditionIsFalseIsSkippedWithNoCallAndTheOthersRun() {
        startWithConditions(Map.of("followups", "attributes.category == 'news'", "summary", "text_length > 10"),
                IAB, FOLLOWUPS, SUMMARY);
        input.pipeInput("A", "{\"id\":\"e0\",\"text\":\"Football match report [ev0]\",\"category\":\"sports\"}");
        assertThat(client.calls()).extracting(FakeChatTransport.FakeCall::model)
                .as("no call for the task whose condition is false").containsExactlyInAnyOrder(IAB.model(),
                        SUMMARY.model());
        answer(IAB, 0);
        answer(SUMMARY, 0);
        settle();
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        FinishedEvent done = sink.byOffset.get(0L);
        TaskOutcome followups = done.outcomes().get(1);
        assertThat(followups.wasSkipped()).isTrue();
        assertThat(followups.skipped()).contains("attributes.category == 'news'");
        assertThat(done.outcomes().get(0).succeeded()).isTrue();
        assertThat(engine.stats().skippedTasks()).isEqualTo(1);

        input.pipeInput("B", "{\"id\":\"e1\",\"text\":\"Election night [ev1]\",\"category\":\"news\"}");
        assertThat(client.unanswered()).extracting(FakeChatTransport.FakeCall::model)
                .containsExactlyInAnyOrder(IAB.model(), FOLLOWUPS.model(), SUMMARY.model());
    }

    @Test
    void anEventWhoseEveryTaskIsSkippedIsEnrichedWithoutAnyCall() {
        startWithConditions(Map.of("iab", "text_length > 100000"), IAB);
        input.pipeInput("A", event(0));
        tick(TICK);
        assertThat(client.requestCount()).isZero();
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        assertThat(sink.byOffset.get(0L).outcomes()).singleElement().satisfies(o -> assertThat(o.wasSkipped()).isTrue());
    }

    @Test
    void aConditionThatFailsOnAnEventDeadLettersItNamingTheTask() {
        startWithConditions(Map.of("iab", "attributes.category == 'news'"), IAB);
        input.pipeInput("A", event(0)); // no category attribute
        tick(TICK);
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:0:VALIDATION");
        assertThat(sink.byOffset.get(0L).failure().reason()).contains("task 'iab'").contains("has(attributes.x)");
        assertThat(client.requestCount()).isZero();
    }

    // ------------------------------------------------------------------------------------------------ task graph

    private static final EnrichmentTask REDACT = TaskFactory.create(new TaskSpec("pii", TaskType.PII, null,
            Map.of("usecase", "redact")));
    private static final String PII_TEXT = "Call Maria at maria@example.org [ev0]";

    /** The redact answer for {@link #PII_TEXT}: offsets in code points, as the API counts. */
    private static String redacted() {
        return "{\"entities\":[{\"text\":\"Maria\",\"label\":\"person\",\"start\":5,\"end\":10,\"score\":0.9},"
                + "{\"text\":\"maria@example.org\",\"label\":\"email\",\"start\":14,\"end\":31,\"score\":0.9}],"
                + "\"redacted_text\":\"Call [PERSON] at [EMAIL] [ev0]\"}";
    }

    @Test
    void aTaskReadingAnotherTasksResultStartsOnceThatAnsweredAndIsAskedAboutItsText() {
        startWithGraph(Map.of("summary", "pii.redacted_text"), Map.of(), config(clock), REDACT, SUMMARY, IAB);
        input.pipeInput("A", "{\"text\":\"" + PII_TEXT + "\"}");
        assertThat(client.calls()).extracting(FakeChatTransport.FakeCall::model)
                .as("independent tasks at once, the dependent one waits").containsExactlyInAnyOrder(REDACT.model(),
                        IAB.model());
        client.unanswered(IAB.model(), tag(0)).succeed(GOOD_ANSWER.get(IAB.model()));
        client.unanswered(REDACT.model(), tag(0)).succeed(redacted());
        settle();
        FakeChatTransport.FakeCall summary = client.unanswered(SUMMARY.model(), tag(0));
        assertThat(summary.mentions("Call [PERSON] at [EMAIL]")).isTrue();
        assertThat(summary.mentions("Maria")).as("the summary never sees the raw text").isFalse();
        assertThat(enrichedTopic.isEmpty()).isTrue();
        summary.succeed(GOOD_ANSWER.get(SUMMARY.model()));
        settle();
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        assertThat(sink.byOffset.get(0L).outcomes()).allSatisfy(o -> assertThat(o.succeeded()).isTrue());
    }

    @Test
    void aTaskWhoseInputTaskFailsForGoodFailsTooAndTheOthersArePublishedUnderPartialPolicy() {
        EngineConfig partial = new EngineConfig(16, 100, Ordering.KEY, TaskFailurePolicy.PUBLISH_PARTIAL, RETRY,
                Duration.ofMillis(20), Duration.ofMillis(10), 20, Duration.ofSeconds(5), Duration.ofSeconds(1),
                Duration.ofSeconds(15), clock);
        startWithGraph(Map.of("summary", "pii.redacted_text"), Map.of(), partial, REDACT, SUMMARY, IAB);
        input.pipeInput("A", "{\"text\":\"" + PII_TEXT + "\"}");
        client.unanswered(IAB.model(), tag(0)).succeed(GOOD_ANSWER.get(IAB.model()));
        client.unanswered(REDACT.model(), tag(0)).fail(FakeChatTransport.httpError(Disposition.RECORD, 400));
        settle();
        assertThat(client.calls()).extracting(FakeChatTransport.FakeCall::model).doesNotContain(SUMMARY.model());
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        TaskOutcome summary = sink.byOffset.get(0L).outcomes().get(1);
        assertThat(summary.failure().category()).isEqualTo(DeadLetterCategory.API_RECORD_ERROR);
        assertThat(summary.failure().reason()).contains("task 'summary' depends on task 'pii', which failed");
        assertThat(sink.byOffset.get(0L).outcomes().get(2).succeeded()).isTrue();
    }

    @Test
    void aConditionReadsTheResultOfTheTaskItDependsOnAndASkippedTaskSkipsItsDependents() {
        startWithGraph(Map.of("followups", "summary.text"),
                Map.of("summary", "results.iab.audience.exists(a, a.score > 0.8)"), config(clock), IAB, SUMMARY,
                FOLLOWUPS);
        input.pipeInput("A", event(0));
        input.pipeInput("B", event(1));
        assertThat(client.calls()).extracting(FakeChatTransport.FakeCall::model).containsOnly(IAB.model());
        client.unanswered(IAB.model(), tag(0)).succeed(GOOD_ANSWER.get(IAB.model())); // Sports Fans 0.9
        client.unanswered(IAB.model(), tag(1)).succeed(
                "{\"audience\":[{\"name\":\"Sports Fans\",\"score\":0.3}],\"content\":{\"iab_1_0\":[],\"iab_2_2\":[]}}");
        settle();
        assertThat(client.unanswered()).extracting(FakeChatTransport.FakeCall::model)
                .as("event 0's summary only: event 1's condition is false").containsExactly(SUMMARY.model());
        client.unanswered(SUMMARY.model(), tag(0)).succeed("A short summary. [ev0]");
        settle();
        assertThat(client.unanswered(FOLLOWUPS.model(), tag(0)).mentions("A short summary.")).isTrue();
        client.unanswered(FOLLOWUPS.model(), tag(0)).succeed(GOOD_ANSWER.get(FOLLOWUPS.model()));
        settle();
        assertThat(enrichedTopic.readValuesToList()).containsExactlyInAnyOrder("enriched:0", "enriched:1");
        List<TaskOutcome> skipped = sink.byOffset.get(1L).outcomes();
        assertThat(skipped.get(1).skipped()).contains("results.iab.audience");
        assertThat(skipped.get(2).skipped()).contains("task 'summary', which it depends on, was skipped");
        assertThat(engine.stats().skippedTasks()).isEqualTo(2);
    }

    // ------------------------------------------------------------------------------------------------ long inputs

    /** Twelve sentences, an emoji in the first, the e-mail address in the last: about 600 UTF-8 bytes. */
    private static String longText(int event) {
        StringBuilder b = new StringBuilder("Report \uD83D\uDE80 one of the council meeting on the harbour. ");
        for (int s = 2; s <= 11; s++) {
            b.append("Sentence ").append(s).append(" says the tram line and the budget were discussed again. ");
        }
        return b.append("Contact john@example.com for more [ev").append(event).append("].").toString();
    }

    /** The answer to one piece: the e-mail address when the piece holds it, at code point offsets in the piece. */
    private static String piiAnswer(String piece) {
        int at = piece.indexOf("john@example.com");
        if (at < 0) {
            return "{\"entities\":[]}";
        }
        int start = piece.codePointCount(0, at);
        return email(start, start + "john@example.com".length());
    }

    private void startWithLongInputs(TaskFailurePolicy policy, EnrichmentTask task, int maxTokens) {
        EngineConfig config = new EngineConfig(16, 100, Ordering.KEY, policy, RETRY, Duration.ofMillis(20),
                Duration.ofMillis(10), 20, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(15), clock);
        start(config, task);
        engine.longInputs(Map.of(task.name(), new dev.enricher.tasks.LongInput(
                dev.enricher.tasks.LongInput.Mode.CHUNK, maxTokens)));
    }

    @Test
    void aLongInputGoesOutInPiecesAtOnceEachAccountedAndTheMergedSpansPointIntoTheWholeText() {
        EnrichmentTask pii = TaskFactory.create(TaskSpec.of(TaskType.PII));
        startWithLongInputs(TaskFailurePolicy.DEAD_LETTER, pii, 100);
        String text = longText(0);
        input.pipeInput("A", "{\"text\":\"" + text + "\"}");
        List<FakeChatTransport.FakeCall> pieces = client.calls();
        assertThat(pieces).as("every piece at once, under the limit").hasSizeGreaterThan(3)
                .allSatisfy(c -> assertThat(dev.enricher.tasks.TokenEstimate.of(c.request())).isLessThanOrEqualTo(100));
        for (int k = pieces.size() - 1; k >= 0; k--) { // in any order
            pieces.get(k).succeed(piiAnswer(pieces.get(k).text()));
            settle();
            if (k > 0) {
                assertThat(enrichedTopic.isEmpty()).as("waits for every piece").isTrue();
            }
        }
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");
        TaskOutcome outcome = sink.byOffset.get(0L).outcomes().get(0);
        dev.enricher.tasks.PiiResult result = (dev.enricher.tasks.PiiResult) outcome.result();
        int start = text.codePointCount(0, text.indexOf("john@example.com"));
        assertThat(result.entities()).singleElement().satisfies(en -> {
            assertThat(en.start()).as("code points of the whole text, past the emoji").isEqualTo(start);
            assertThat(en.end()).isEqualTo(start + 16);
        });
        assertThat(outcome.pieces()).extracting(EarlierCall::piece)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, pieces.size()).boxed().toList());
        assertThat(outcome.longInput().handling()).isEqualTo("chunked");
        assertThat(outcome.longInput().pieces()).isEqualTo(pieces.size());
    }

    @Test
    void aPieceThatFailsTransientlyIsRetriedAloneAndAPieceRefusedFailsTheTaskNamingIt() {
        EnrichmentTask pii = TaskFactory.create(TaskSpec.of(TaskType.PII));
        startWithLongInputs(TaskFailurePolicy.DEAD_LETTER, pii, 100);
        input.pipeInput("A", "{\"text\":\"" + longText(0) + "\"}");
        List<FakeChatTransport.FakeCall> first = client.calls();
        int n = first.size();
        first.get(1).fail(FakeChatTransport.httpError(Disposition.TRANSIENT, 503));
        for (int k = 0; k < n; k++) {
            if (k != 1) {
                first.get(k).succeed(piiAnswer(first.get(k).text()));
            }
        }
        settle();
        assertThat(client.requestCount()).as("nothing resent before the delay").isEqualTo(n);
        tick(Duration.ofSeconds(1));
        assertThat(client.requestCount()).as("the failed piece alone").isEqualTo(n + 1);
        assertThat(client.calls().get(n).text()).isEqualTo(first.get(1).text());
        client.calls().get(n).succeed(piiAnswer(client.calls().get(n).text()));
        settle();
        assertThat(enrichedTopic.readValuesToList()).containsExactly("enriched:0");

        input.pipeInput("B", "{\"text\":\"" + longText(1) + "\"}");
        List<FakeChatTransport.FakeCall> second = client.unanswered();
        second.get(2).succeed("{\"entities\":[{\"text\":\"nobody\",\"label\":\"person\",\"start\":0,\"end\":6,"
                + "\"score\":0.9}]}");
        settle();
        assertThat(deadLetterTopic.readValuesToList()).containsExactly("dlq:1:RESPONSE_UNPARSEABLE");
        assertThat(sink.byOffset.get(1L).failure().reason()).contains("on piece 3 of " + second.size()
                + " of its long input (code points ");
    }

    /** Errors of an API that does not know the model, as the simulator gives them. */
    private static final class ZeroGpuExceptions {
        static dev.enricher.client.ZeroGpuException modelNotFound(int status) {
            return dev.enricher.client.ZeroGpuException.builder(Disposition.RECORD,
                            dev.enricher.client.FailureKind.HTTP_STATUS).status(status).code("model_not_found")
                    .param(status == 400 ? "model" : null).message("The model does not exist.")
                    .requestId("req-err-" + status).build();
        }
    }
}
