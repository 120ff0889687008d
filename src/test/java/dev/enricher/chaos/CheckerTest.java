package dev.enricher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.config.EnricherConfig;
import dev.enricher.serde.GeneratedClassTrust;
import dev.enricher.simulator.Simulator;
import dev.enricher.simulator.SimulatorConfig;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.topology.EnrichedRecords;
import dev.enricher.topology.OutputSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The checker finds every kind of defect a chaos run looks for, each on its own, from topic contents built the way the
 * service builds them: a correct run passes; a lost, duplicated, reordered, misattributed or wrongly dead-lettered
 * output fails it with the right count.
 */
class CheckerTest {
    static Simulator simulator;
    static List<EnrichmentTask> tasks;
    static ExpectedResults expected;
    /** The enriched record's schema of these tasks, as the service derives and writes it. */
    static Schema schema;

    @BeforeAll
    static void start() {
        simulator = Simulator.start(SimulatorConfig.builder().host("127.0.0.1").fixedLatency(Duration.ZERO).build());
        tasks = EnricherConfig.parse("""
                kafka: {bootstrap-servers: "127.0.0.1:9"}
                api: {base-url: "http://127.0.0.1:1/v1", api-key: zgpu-test}
                registry: {url: memory}
                tasks:
                  - {name: iab, type: iab}
                  - {name: questions, type: followup_questions}
                  - {name: pii, type: pii, options: {usecase: redact}}
                """, Map.of(), "test").tasks();
        expected = new ExpectedResults(tasks, simulator);
        schema = OutputSchema.of(tasks);
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    /** Inputs: partition 0 holds key a (offsets 0, 1, 2), partition 1 key b (0, 1) and a record fault (2). */
    static final List<TopicRecords.In> INPUTS = List.of(
            in(0, 0, "a", 1, "Mail jane@example.com about the hiking boots."),
            in(0, 1, "a", 2, "\uD83D\uDE42 Call Carlos Garcia at +1 415 555 0100 about the match."),
            in(0, 2, "a", 3, "The football match ended late in Madrid."),
            in(1, 0, "b", 4, "A review of the new phone: great battery."),
            in(1, 1, "b", 5, "Support ticket: my order never arrived, write to amara@example.org."),
            new TopicRecords.In(1, 2, "b", 6, Poison.NO_TEXT,
                    "{\"id\":\"chaos-6\",\"body\":\"x\"}".getBytes(StandardCharsets.UTF_8)));

    static TopicRecords.In in(int p, long o, String key, long seq, String text) {
        return new TopicRecords.In(p, o, key, seq, null, ("{\"id\":\"chaos-" + seq + "\",\"text\":"
                + quote(text) + "}").getBytes(StandardCharsets.UTF_8));
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String text(TopicRecords.In in) {
        String v = new String(in.value(), StandardCharsets.UTF_8);
        int i = v.indexOf("\"text\":\"") + 8;
        return v.substring(i, v.length() - 2);
    }

    /** The enriched record the service publishes for {@code in}, from the simulator's answers to its own text. */
    static GenericRecord enriched(TopicRecords.In in) {
        ExpectedResults.Expected want = expected.of(text(in));
        GenericData.Record results = new GenericData.Record(schema.getField(OutputSchema.RESULTS).schema());
        for (EnrichmentTask task : tasks) {
            results.put(task.name(), want.results().get(task.name()));
        }
        GenericData.Record e = new GenericData.Record(schema);
        e.put("id", "chaos-" + in.seq());
        e.put("source_topic", "chaos-input");
        e.put("source_partition", in.partition());
        e.put("source_offset", in.offset());
        e.put("source_timestamp", 1_000L);
        e.put("text", want.text());
        e.put("text_redacted", want.redacted());
        e.put("attributes", Map.of());
        e.put(OutputSchema.RESULTS, results);
        e.put("model_calls", List.of());
        e.put("failed_tasks", List.of());
        e.put("skipped_tasks", List.of());
        e.put("long_inputs", List.of());
        e.put("cost_usd", 0.0);
        e.put("enriched_at", 2_000L);
        return throughTheTopic(e);
    }

    /** {@code e} written as the service writes it and read back as the run reads the enriched topic. */
    static GenericRecord throughTheTopic(GenericRecord e) {
        GeneratedClassTrust.install();
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
            new GenericDatumWriter<GenericRecord>(schema, SpecificData.get()).write(e, encoder);
            encoder.flush();
            return TopicRecords.enrichedReader(schema).read(null,
                    DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        } catch (IOException x) {
            throw new UncheckedIOException(x);
        }
    }

    static DeadLetter deadLetter(TopicRecords.In in, DeadLetterCategory category) {
        return DeadLetter.newBuilder().setSourceTopic("chaos-input").setSourcePartition(in.partition())
                .setSourceOffset(in.offset()).setSourceTimestamp(Instant.ofEpochMilli(1_000)).setHeaders(List.of())
                .setCategory(category).setReason("test").build();
    }

    static TopicRecords.Out out(int position, TopicRecords.In in, GenericRecord e) {
        return new TopicRecords.Out(in.partition(), position, in.key(), in.partition(), in.offset(), e, null);
    }

    /** The outputs of a correct run: every good input enriched in order, the record fault dead-lettered. */
    static List<TopicRecords.Out> correctEnriched() {
        List<TopicRecords.Out> outs = new ArrayList<>();
        int position = 0;
        for (TopicRecords.In in : INPUTS) {
            if (in.poison() == null) {
                outs.add(out(position++, in, enriched(in)));
            }
        }
        return outs;
    }

    static List<TopicRecords.Out> correctDeadLetters() {
        TopicRecords.In poison = INPUTS.get(5);
        return List.of(new TopicRecords.Out(0, 0, "b", 1, 2, null, deadLetter(poison, DeadLetterCategory.VALIDATION)));
    }

    static Verdict check(List<TopicRecords.Out> enriched, List<TopicRecords.Out> dead, boolean exactlyOnce) {
        return new Checker(expected::of, expected::actual).check(INPUTS, enriched, dead, exactlyOnce);
    }

    @Test
    void withCallResultsKeptARepeatedTextNeedsItsCallsOnce() {
        List<TopicRecords.In> inputs = List.of(INPUTS.get(0), INPUTS.get(2),
                in(0, 3, "a", 7, "Mail jane@example.com about the hiking boots."));
        assertThat(new Checker(expected::of, expected::actual, true).check(inputs, List.of(), List.of(), true)
                .minimumPaidCalls()).as("two distinct texts, three tasks each").isEqualTo(6);
        assertThat(new Checker(expected::of, expected::actual, false).check(inputs, List.of(), List.of(), true)
                .minimumPaidCalls()).isEqualTo(9);
    }

    @Test
    void aCorrectRunPassesAndCountsTheLeastPaidCalls() {
        Verdict v = check(correctEnriched(), correctDeadLetters(), true);
        assertThat(v.examples()).isEmpty();
        assertThat(v.holds()).isTrue();
        assertThat(v).extracting(Verdict::inputs, Verdict::enriched, Verdict::deadLettered, Verdict::lost,
                Verdict::duplicates, Verdict::misattributed, Verdict::outOfOrder, Verdict::wrongDeadLetters)
                .containsExactly(6L, 5L, 1L, 0L, 0L, 0L, 0L, 0L);
        assertThat(v.minimumPaidCalls()).as("five good inputs, three tasks each").isEqualTo(15);
    }

    @Test
    void anAnswerOnAnotherRecordIsMisattributed() {
        List<TopicRecords.Out> outs = correctEnriched();
        GenericRecord first = EnrichedRecords.results(outs.get(0).enriched());
        GenericRecord second = EnrichedRecords.results(outs.get(1).enriched());
        // The IAB answers of events 1 and 2 swapped: each record carries a completion that belongs to the other.
        Object iab = first.get("iab");
        first.put("iab", second.get("iab"));
        second.put("iab", iab);
        Verdict v = check(outs, correctDeadLetters(), true);
        assertThat(v.misattributed()).isEqualTo(2);
        assertThat(v.holds()).isFalse();
        assertThat(v.examples()).anySatisfy(x -> assertThat(x).contains("task iab").contains("not the answer"));
    }

    @Test
    void aTextOrIdFromAnotherRecordIsMisattributed() {
        List<TopicRecords.Out> outs = correctEnriched();
        outs.get(2).enriched().put("text", outs.get(3).enriched().get("text"));
        outs.get(4).enriched().put("id", "chaos-1");
        Verdict v = check(outs, correctDeadLetters(), true);
        assertThat(v.misattributed()).isEqualTo(2);
    }

    @Test
    void anUnredactedTextWhereRedactionWasAskedIsMisattributed() {
        List<TopicRecords.Out> outs = correctEnriched();
        outs.get(0).enriched().put("text", text(INPUTS.get(0)));
        assertThat(check(outs, correctDeadLetters(), true).misattributed()).isEqualTo(1);
    }

    @Test
    void anOutputNamingNoInputIsMisattributed() {
        List<TopicRecords.Out> outs = correctEnriched();
        TopicRecords.Out o = outs.get(0);
        outs.add(new TopicRecords.Out(0, 99, "a", 0, 77, o.enriched(), null));
        assertThat(check(outs, correctDeadLetters(), true).misattributed()).isEqualTo(1);
    }

    @Test
    void aMissingOutputIsLost() {
        List<TopicRecords.Out> outs = correctEnriched();
        outs.remove(3);
        Verdict v = check(outs, correctDeadLetters(), true);
        assertThat(v.lost()).isEqualTo(1);
        assertThat(v.holds()).isFalse();
        assertThat(check(correctEnriched(), List.of(), true).lost()).as("the record fault's dead letter").isEqualTo(1);
    }

    @Test
    void aDuplicateFailsExactlyOnceOnlyAndIsNotAReordering() {
        List<TopicRecords.Out> outs = correctEnriched();
        outs.add(out(9, INPUTS.get(0), enriched(INPUTS.get(0))));
        Verdict eos = check(outs, correctDeadLetters(), true);
        assertThat(eos.duplicates()).isEqualTo(1);
        assertThat(eos.outOfOrder()).isZero();
        assertThat(eos.holds()).isFalse();
        Verdict alos = check(outs, correctDeadLetters(), false);
        assertThat(alos.duplicates()).isEqualTo(1);
        assertThat(alos.holds()).isTrue();
    }

    @Test
    void anOutputBeforeAnEarlierInputOfItsKeyIsOutOfOrder() {
        List<TopicRecords.Out> outs = correctEnriched();
        TopicRecords.Out a1 = outs.get(0);
        TopicRecords.Out a2 = outs.get(1);
        outs.set(0, a2);
        outs.set(1, a1);
        Verdict v = check(outs, correctDeadLetters(), true);
        assertThat(v.outOfOrder()).isEqualTo(1);
        assertThat(v.holds()).isFalse();
    }

    @Test
    void aGoodInputDeadLetteredByAnOutageIsAWrongDeadLetter() {
        List<TopicRecords.Out> outs = correctEnriched();
        TopicRecords.Out dropped = outs.remove(2);
        TopicRecords.In in = INPUTS.get(2);
        List<TopicRecords.Out> dead = new ArrayList<>(correctDeadLetters());
        dead.add(new TopicRecords.Out(0, 1, in.key(), in.partition(), in.offset(), null,
                deadLetter(in, DeadLetterCategory.API_RETRIES_EXHAUSTED)));
        Verdict v = check(outs, dead, true);
        assertThat(v.wrongDeadLetters()).isEqualTo(1);
        assertThat(v.lost()).isZero();
        assertThat(v.holds()).isFalse();
        assertThat(dropped).isNotNull();
    }

    @Test
    void aRecordFaultWithTheWrongCategoryOrEnrichedIsWrong() {
        TopicRecords.In poison = INPUTS.get(5);
        List<TopicRecords.Out> wrongCategory = List.of(new TopicRecords.Out(0, 0, "b", 1, 2, null,
                deadLetter(poison, DeadLetterCategory.DESERIALIZATION)));
        assertThat(check(correctEnriched(), wrongCategory, true).wrongDeadLetters()).isEqualTo(1);
        List<TopicRecords.Out> outs = correctEnriched();
        outs.add(new TopicRecords.Out(1, 9, "b", 1, 2, enriched(INPUTS.get(4)), null));
        assertThat(check(outs, List.of(), true).wrongDeadLetters()).isEqualTo(1);
    }
}
