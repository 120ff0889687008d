package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.engine.avro.PendingEntry;
import dev.enricher.engine.avro.StoredTask;
import dev.enricher.engine.avro.StoredTaskStatus;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskFactory;
import dev.enricher.tasks.TaskSpec;
import dev.enricher.tasks.TaskType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pending store's value: a {@link PendingEntry} with every field set survives the Avro single-object encoding the
 * store uses, and gives back the input record byte for byte.
 *
 * <p>Decoding needs the generated classes to be trusted by Avro 1.12's {@code ClassSecurityValidator}; the store
 * arranges that itself.
 */
class PendingStoreCodecTest {

    @Test
    void theEngineReadsItsOwnStoreWithoutHelp() {
        // Run first in a fresh JVM, this fails unless PendingStore trusts its generated class itself (Avro 1.12).
        PendingEvent e = PendingEvent.admit(1, input(utf8("k")), List.of("iab"), List.of("fp-iab"), 0L);
        assertThat(PendingStore.decode(PendingStore.encode(e.entry))).isEqualTo(e.entry);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Through the store's own codec, which also knows the schemas of earlier versions. */
    private static PendingEntry roundTrip(PendingEntry e) {
        return PendingStore.decode(PendingStore.encode(e));
    }

    private static InputRecord input(byte[] key) {
        return new InputRecord(key, utf8("{\"text\":\"hello\"}"), List.of(
                new InputRecord.Header("trace", utf8("t-1")),
                new InputRecord.Header("empty", null),
                new InputRecord.Header("trace", utf8("t-2")),
                new InputRecord.Header("bin", new byte[] {0, -1, 127, -128})),
                1_760_000_000_123L, "raw-events", 3, 987_654_321_012L);
    }

    private static void assertSameInput(InputRecord actual, InputRecord expected) {
        assertThat(actual.key()).isEqualTo(expected.key());
        assertThat(actual.value()).isEqualTo(expected.value());
        assertThat(actual.timestamp()).isEqualTo(expected.timestamp());
        assertThat(actual.topic()).isEqualTo(expected.topic());
        assertThat(actual.partition()).isEqualTo(expected.partition());
        assertThat(actual.offset()).isEqualTo(expected.offset());
        assertThat(actual.headers()).hasSameSizeAs(expected.headers());
        for (int i = 0; i < expected.headers().size(); i++) {
            assertThat(actual.headers().get(i).key()).isEqualTo(expected.headers().get(i).key());
            assertThat(actual.headers().get(i).value()).isEqualTo(expected.headers().get(i).value());
        }
    }

    @Test
    void anEntryWithEveryFieldSetRoundTrips() throws IOException {
        InputRecord in = input(utf8("user-42"));
        PendingEvent e = PendingEvent.admit(17, in, List.of("iab", "summary", "pii"),
                List.of("fp-iab", "fp-summary", "fp-pii"), 1_760_000_001_000L);
        StoredTask ok = e.task(0);
        ok.setStatus(StoredTaskStatus.SUCCEEDED);
        ok.setAttempts(2);
        ok.setFirstAttemptAt(1_760_000_001_100L);
        ok.setLastAttemptAt(1_760_000_002_100L);
        ok.setCompletionId("cmpl-1");
        ok.setRequestId("req-1");
        ok.setModel("zlm-v1-iab-classify-edge");
        ok.setPromptTokens(120L);
        ok.setCompletionTokens(30L);
        ok.setLatencyMs(85L);
        ok.setContent("{\"audience\":[]}");
        ok.setFinishReason("stop");
        StoredTask failed = e.task(1);
        failed.setStatus(StoredTaskStatus.FAILED);
        failed.setAttempts(1);
        failed.setFailure(PendingEvent.store(new Failure(DeadLetterCategory.RESPONSE_UNPARSEABLE, "bad shape", "summary",
                "llama", 200, "UNPARSEABLE_CONTENT", "c", "m", "req-2", 1, 1L, 2L, "raw ✓ content")));
        StoredTask retrying = e.task(2);
        retrying.setAttempts(3);
        retrying.setNextAttemptAt(1_760_000_009_000L);
        e.entry.setFailure(PendingEvent.store(Failure.of(DeadLetterCategory.VALIDATION, "no text", "T", "M")));

        PendingEntry back = roundTrip(e.entry);
        assertThat(back).isEqualTo(e.entry);
        assertSameInput(new PendingEvent(17, back).input(), in);
        assertThat(back.getTasks()).extracting(StoredTask::getStatus).containsExactly(StoredTaskStatus.SUCCEEDED,
                StoredTaskStatus.FAILED, StoredTaskStatus.OUTSTANDING);
        assertThat(back.getTasks().get(2).getNextAttemptAt()).isEqualTo(1_760_000_009_000L);
        assertThat(back.getTasks().get(1).getFailure().getRawContent()).isEqualTo("raw ✓ content");
        assertThat(back.getAdmittedAt()).isEqualTo(1_760_000_001_000L);
    }

    @Test
    void aNullKeyAndANullValueRoundTrip() throws IOException {
        InputRecord in = new InputRecord(null, null, List.of(), 5L, "t", 0, 0L);
        PendingEvent e = PendingEvent.admit(0, in, List.of("iab"), List.of("fp-iab"), 6L);
        PendingEntry back = roundTrip(e.entry);
        assertThat(back).isEqualTo(e.entry);
        PendingEvent restored = new PendingEvent(0, back);
        assertThat(restored.keyBytes()).isNull();
        assertSameInput(restored.input(), in);
    }

    @Test
    void aStoredFailureComesBackAsTheSameFailure() throws IOException {
        Failure f = new Failure(DeadLetterCategory.API_RETRIES_EXHAUSTED, "gave up", "iab", "zlm", 503, "server_error",
                "overloaded", "try later", "req-9", 6, 100L, 900L, null);
        PendingEvent e = PendingEvent.admit(1, input(utf8("k")), List.of("iab"), List.of("fp-iab"), 0L);
        StoredTask t = e.task(0);
        t.setStatus(StoredTaskStatus.FAILED);
        t.setAttempts(6);
        t.setFirstAttemptAt(100L);
        t.setLastAttemptAt(900L);
        t.setFailure(PendingEvent.store(f));
        PendingEntry back = roundTrip(e.entry);
        StoredTask bt = back.getTasks().get(0);
        assertThat(PendingEvent.restore(bt.getFailure(), bt, "zlm")).isEqualTo(f);
    }

    @Test
    void anUnknownCategoryComesBackAsUnknown() {
        Failure f = Failure.of(DeadLetterCategory.INTERNAL, "r", null, null);
        var stored = PendingEvent.store(f);
        stored.setCategory("SOMETHING_NEWER");
        assertThat(PendingEvent.restore(stored, null, null).category()).isEqualTo(DeadLetterCategory.UNKNOWN);
    }

    @Test
    void anEntryWrittenByTheVersionBeforeFingerprintsStillReads() throws IOException {
        PendingEvent e = PendingEvent.admit(3, input(utf8("k")), List.of("iab", "summary"),
                List.of("fp-iab", "fp-summary"), 5L);
        e.task(0).setStatus(StoredTaskStatus.SUCCEEDED);
        e.task(0).setContent("{}");
        PendingEntry back = PendingStore.decode(asWrittenBy("/pending/PendingEntry-1.avsc", e));
        assertThat(back.getTasks()).extracting(StoredTask::getTask).containsExactly("iab", "summary");
        assertThat(back.getTasks()).extracting(StoredTask::getFingerprint).containsOnlyNulls();
        assertThat(back.getTasks().get(0).getContent()).isEqualTo("{}");
        assertThat(back.getOffset()).isEqualTo(e.entry.getOffset());
    }

    @Test
    void anEntryWrittenByTheVersionBeforeRepairsAndFallbacksStillReads() throws IOException {
        PendingEvent e = PendingEvent.admit(3, input(utf8("k")), List.of("iab", "summary"),
                List.of("fp-iab", "fp-summary"), 5L);
        e.task(1).setStatus(StoredTaskStatus.SUCCEEDED);
        e.task(1).setContent("A summary.");
        PendingEntry back = PendingStore.decode(asWrittenBy("/pending/PendingEntry-2.avsc", e));
        assertThat(back.getTasks()).extracting(StoredTask::getFingerprint).containsExactly("fp-iab", "fp-summary");
        assertThat(back.getTasks().get(1).getContent()).isEqualTo("A summary.");
        assertThat(back.getTasks()).allSatisfy(t -> {
            assertThat(t.getRefused()).isEmpty();
            assertThat(t.getEarlierCalls()).isEmpty();
            assertThat(t.getOnFallback()).isFalse();
        });
    }

    @Test
    void anEntryWrittenByTheVersionBeforeLongInputPiecesStillReads() throws IOException {
        PendingEvent e = PendingEvent.admit(3, input(utf8("k")), List.of("sentiment"), List.of("fp"), 5L);
        e.attemptEnded(0, 100, 140);
        e.answerRefused(0, FakeChatTransport.completion("llama", "{}", "req-7"), "$.label: required", "llama");
        PendingEntry back = PendingStore.decode(asWrittenBy("/pending/PendingEntry-3.avsc", e));
        assertThat(back.getTasks().get(0).getRefused()).hasSize(1);
        assertThat(back.getTasks().get(0).getPieces()).isEmpty();
    }

    @Test
    void anEntryWrittenByTheVersionBeforeCallResultsStillReadsAsPaidCalls() throws IOException {
        PendingEvent e = PendingEvent.admit(3, input(utf8("k")), List.of("sentiment"), List.of("fp"), 5L);
        e.attemptEnded(0, 100, 140);
        e.answerRefused(0, FakeChatTransport.completion("llama", "{}", "req-7"), "$.label: required", "llama");
        PendingEntry back = PendingStore.decode(asWrittenBy("/pending/PendingEntry-4.avsc", e));
        assertThat(back.getTasks().get(0).getCached()).isFalse();
        assertThat(back.getTasks().get(0).getEarlierCalls()).singleElement()
                .satisfies(c -> assertThat(c.getCached()).isFalse());
    }

    @Test
    void anEntryWrittenBeforeTracingReadsWithNoTraceAndATraceRoundTrips() throws IOException {
        PendingEvent e = PendingEvent.admit(3, input(utf8("k")), List.of("sentiment"), List.of("fp"), 5L);
        e.attemptEnded(0, 100, 140);
        PendingEntry before = PendingStore.decode(asWrittenBy("/pending/PendingEntry-5.avsc", e));
        assertThat(before.getTrace()).isNull();
        assertThat(before.getTasks().get(0).getAttempts()).isEqualTo(1);

        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        e.entry.setTrace(traceparent);
        assertThat(PendingStore.decode(PendingStore.encode(e.entry)).getTrace()).isEqualTo(traceparent);
    }

    @Test
    void aCachedAnswerRoundTripsAsCached() {
        EnrichmentTask summary = TaskFactory.create(TaskSpec.of(TaskType.TEXT_GENERATION));
        PendingEvent e = PendingEvent.admit(3, input(utf8("k")), List.of(summary.name()), List.of("fp"), 5L);
        e.attemptEnded(0, 100, 100);
        e.succeeded(0, FakeChatTransport.completion("llama", "a summary", "req-paid"),
                new dev.enricher.tasks.TextResult("a summary", "stop", false), true);
        PendingEntry back = PendingStore.decode(PendingStore.encode(e.entry));
        assertThat(back.getTasks().get(0).getCached()).isTrue();
        assertThat(back.getTasks().get(0).getRequestId()).isEqualTo("req-paid");
        PendingEvent restored = new PendingEvent(3, back);
        restored.results[0] = new dev.enricher.tasks.TextResult("a summary", "stop", false);
        assertThat(restored.outcomes(List.of(summary)))
                .singleElement().satisfies(o -> assertThat(o.call().cached()).isTrue());
    }

    @Test
    void theAnswersOfAChunkedTasksPiecesRoundTrip() {
        PendingEvent e = PendingEvent.admit(3, input(utf8("k")), List.of("pii"), List.of("fp"), 5L);
        PieceCalls calls = new PieceCalls(3);
        e.pieceCalls(0, calls);
        calls.sent(2);
        calls.attemptEnded(2, 150, 190);
        e.pieceAnswered(0, 2, 180, 260, FakeChatTransport.completion("gliner", "{\"entities\":[]}", "req-2"), "gliner",
                calls, false);
        calls.sent(0);
        calls.attemptEnded(0, 100, 140);
        e.pieceAnswered(0, 0, 0, 100, FakeChatTransport.completion("gliner", "{\"entities\":[]}", "req-0"), "gliner",
                calls, false);
        PendingEntry back = PendingStore.decode(PendingStore.encode(e.entry));
        StoredTask t = back.getTasks().get(0);
        assertThat(t.getPieces()).extracting(p -> p.getIndex() + ":" + p.getStart() + ".." + p.getEnd() + ":"
                + p.getCall().getRequestId()).containsExactly("2:180..260:req-2", "0:0..100:req-0");
        assertThat(t.getPieces().get(0).getCall().getFirstAttemptAt()).isEqualTo(150);
        assertThat(t.getStatus()).isEqualTo(StoredTaskStatus.OUTSTANDING);

        PendingEvent restored = new PendingEvent(3, back);
        PieceCalls again = new PieceCalls(3);
        restored.pieceCalls(0, again);
        assertThat(again.answered(0)).isTrue();
        assertThat(again.sendable(1)).as("only the unanswered piece is sent again").isTrue();
        assertThat(again.sendable(2)).isFalse();
    }

    @Test
    void aRepairInProgressAndAFallbackRoundTrip() {
        PendingEvent e = PendingEvent.admit(3, input(utf8("k")), List.of("sentiment"), List.of("fp"), 5L);
        e.attemptEnded(0, 100, 140);
        e.answerRefused(0, FakeChatTransport.completion("llama", "{\"label\":\"great\"}", "req-7"),
                "$.label: not in the enumeration", "llama");
        e.toFallback(0);
        PendingEntry back = PendingStore.decode(PendingStore.encode(e.entry));
        StoredTask t = back.getTasks().get(0);
        assertThat(t.getStatus()).isEqualTo(StoredTaskStatus.OUTSTANDING);
        assertThat(t.getOnFallback()).isTrue();
        assertThat(t.getRefused()).singleElement().satisfies(r -> {
            assertThat(r.getContent()).isEqualTo("{\"label\":\"great\"}");
            assertThat(r.getProblem()).isEqualTo("$.label: not in the enumeration");
        });
        assertThat(t.getEarlierCalls()).singleElement().satisfies(c -> {
            assertThat(c.getRequestId()).isEqualTo("req-7");
            assertThat(c.getPromptTokens()).isEqualTo(10L);
            assertThat(c.getLatencyMs()).isEqualTo(40L);
            assertThat(c.getAttempts()).isEqualTo(1);
        });
        assertThat(t.getAttempts()).as("the next call counts its own attempts").isZero();
    }

    /** {@code e}'s entry as a version with the schema at {@code resource} wrote it, in single-object encoding. */
    private static byte[] asWrittenBy(String resource, PendingEvent e) throws IOException {
        org.apache.avro.Schema previous;
        try (java.io.InputStream in = PendingStore.class.getResourceAsStream(resource)) {
            previous = new org.apache.avro.Schema.Parser().parse(in);
        }
        byte[] current = PendingStore.encode(e.entry);
        org.apache.avro.generic.GenericRecord old = new org.apache.avro.generic.GenericDatumReader<
                org.apache.avro.generic.GenericRecord>(PendingEntry.getClassSchema(), previous)
                .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(current, 10, current.length - 10, null));
        ByteBuffer oldBytes = new org.apache.avro.message.BinaryMessageEncoder<org.apache.avro.generic.GenericRecord>(
                org.apache.avro.generic.GenericData.get(), previous).encode(old);
        byte[] bytes = new byte[oldBytes.remaining()];
        oldBytes.get(bytes);
        return bytes;
    }
}
