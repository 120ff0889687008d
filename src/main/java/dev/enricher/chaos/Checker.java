package dev.enricher.chaos;

import dev.enricher.topology.EnrichedRecords;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.avro.DeadLetter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;

/**
 * The exact verification of a chaos run, from the topics alone: every input accounted for once (or at least once),
 * per key in input order, each enriched record carrying the answers that belong to its own text, and dead letters
 * only for the record faults the stream carried, each with its category. Inputs and outputs are matched by the
 * source coordinates every output carries (partition and offset of its input).
 *
 * <p>A pure function of its arguments; one thread.
 */
final class Checker {
    private static final int MAX_EXAMPLES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, ExpectedResults.Expected> expected;
    private final Function<GenericRecord, Map<String, Object>> actual;
    private final List<String> examples = new ArrayList<>();
    private final boolean oncePerText;

    /**
     * @param expected what the service must publish for a text
     * @param actual   the results of an enriched record, by task name
     */
    Checker(Function<String, ExpectedResults.Expected> expected, Function<GenericRecord, Map<String, Object>> actual) {
        this(expected, actual, false);
    }

    /**
     * @param oncePerText the service keeps call results: the least it must pay is each distinct text's calls once
     */
    Checker(Function<String, ExpectedResults.Expected> expected, Function<GenericRecord, Map<String, Object>> actual,
            boolean oncePerText) {
        this.expected = expected;
        this.actual = actual;
        this.oncePerText = oncePerText;
    }

    Verdict check(List<TopicRecords.In> inputs, List<TopicRecords.Out> enriched, List<TopicRecords.Out> deadLetters,
                  boolean exactlyOnce) {
        examples.clear();
        Map<Long, TopicRecords.In> byCoordinates = new HashMap<>(inputs.size() * 2);
        Map<Long, ExpectedResults.Expected> expectations = new HashMap<>(inputs.size() * 2);
        long minimumPaid = 0;
        java.util.Set<String> paidFor = new java.util.HashSet<>();
        for (TopicRecords.In in : inputs) {
            byCoordinates.put(coordinates(in.partition(), in.offset()), in);
            if (in.poison() == null || in.poison() == Poison.TOO_LONG_FOR_MODEL) {
                String text = text(in);
                if (text != null) {
                    ExpectedResults.Expected e = expected.apply(text);
                    expectations.put(coordinates(in.partition(), in.offset()), e);
                    if (!oncePerText || paidFor.add(text)) {
                        minimumPaid += e.paid();
                    }
                }
            }
        }
        Map<Long, Integer> outputs = new HashMap<>(inputs.size() * 2);
        long misattributed = 0;
        long wrongDeadLetters = 0;
        for (TopicRecords.Out out : enriched) {
            long c = coordinates(out.sourcePartition(), out.sourceOffset());
            TopicRecords.In in = byCoordinates.get(c);
            if (in == null) {
                misattributed++;
                example("enriched %d@%d names input %d@%d, which does not exist", out.partition(), out.offset(),
                        out.sourcePartition(), out.sourceOffset());
                continue;
            }
            outputs.merge(c, 1, Integer::sum);
            if (in.poison() != null) {
                wrongDeadLetters++;
                example("input %d@%d (%s) came out enriched instead of dead-lettered", in.partition(), in.offset(),
                        in.poison());
                continue;
            }
            String wrong = mismatch(in, out.enriched(), expectations.get(c));
            if (wrong != null) {
                misattributed++;
                example("enriched %d@%d for input %d@%d (key %s, seq %d): %s", out.partition(), out.offset(),
                        in.partition(), in.offset(), in.key(), in.seq(), wrong);
            }
        }
        for (TopicRecords.Out out : deadLetters) {
            long c = coordinates(out.sourcePartition(), out.sourceOffset());
            TopicRecords.In in = byCoordinates.get(c);
            if (in == null) {
                misattributed++;
                example("dead letter %d@%d names input %d@%d, which does not exist", out.partition(), out.offset(),
                        out.sourcePartition(), out.sourceOffset());
                continue;
            }
            outputs.merge(c, 1, Integer::sum);
            DeadLetter d = out.deadLetter();
            if (in.poison() == null) {
                wrongDeadLetters++;
                example("good input %d@%d (seq %d) dead-lettered as %s: %s", in.partition(), in.offset(), in.seq(),
                        d.getCategory(), d.getReason());
            } else if (d.getCategory() != in.poison().category()) {
                wrongDeadLetters++;
                example("input %d@%d (%s) dead-lettered as %s, expected %s: %s", in.partition(), in.offset(),
                        in.poison(), d.getCategory(), in.poison().category(), d.getReason());
            }
        }
        long lost = 0;
        long duplicates = 0;
        for (TopicRecords.In in : inputs) {
            int n = outputs.getOrDefault(coordinates(in.partition(), in.offset()), 0);
            if (n == 0) {
                lost++;
                example("input %d@%d (key %s, seq %d%s) has no output", in.partition(), in.offset(), in.key(),
                        in.seq(), in.poison() == null ? "" : ", " + in.poison());
            } else if (n > 1) {
                duplicates += n - 1;
                if (exactlyOnce) {
                    example("input %d@%d (seq %d) has %d outputs", in.partition(), in.offset(), in.seq(), n);
                }
            }
        }
        long outOfOrder = outOfOrder(enriched, "enriched") + outOfOrder(deadLetters, "dead-letter");
        return new Verdict(inputs.size(), enriched.size(), deadLetters.size(), lost, duplicates, misattributed,
                outOfOrder, wrongDeadLetters, minimumPaid, exactlyOnce, examples);
    }

    /** Why an enriched record is not what its input should give; null when it is. */
    private String mismatch(TopicRecords.In in, GenericRecord e, ExpectedResults.Expected want) {
        if (want == null) {
            return "its input has no text";
        }
        if (want.refusal() != null) {
            return "enriched, but the API refuses it (" + want.refusal() + ")";
        }
        String id = EnrichedRecords.string(e, "id");
        if (!Objects.equals(id, ChaosStream.id(in.seq()))) {
            return "id " + id + ", expected " + ChaosStream.id(in.seq());
        }
        if (!Objects.equals(EnrichedRecords.string(e, "text"), want.text())
                || !Objects.equals(e.get("text_redacted"), want.redacted())) {
            return "text is not its input's" + (want.redacted() ? " redacted text" : "");
        }
        List<GenericRecord> failed = EnrichedRecords.failedTasks(e);
        if (!failed.isEmpty()) {
            return "failed tasks " + failed.get(0).get("task") + ": " + failed.get(0).get("reason");
        }
        Map<String, Object> got = actual.apply(e);
        for (Map.Entry<String, Object> w : want.results().entrySet()) {
            if (!Objects.equals(got.get(w.getKey()), w.getValue())) {
                return "task " + w.getKey() + " carries " + (got.get(w.getKey()) == null ? "no result"
                        : "a result that is not the answer to its own text");
            }
        }
        if (got.size() != want.results().size()) {
            return "results for tasks " + got.keySet() + ", expected " + want.results().keySet();
        }
        return null;
    }

    /**
     * Outputs of a key that left before an output of an earlier input of the same key, in one output topic. A
     * repeated output (at least once) is a duplicate, not a reordering.
     */
    private long outOfOrder(List<TopicRecords.Out> outs, String topic) {
        Map<String, Long> highest = new HashMap<>();
        Set<Long> seen = new HashSet<>();
        long n = 0;
        for (TopicRecords.Out out : outs) {
            long c = coordinates(out.sourcePartition(), out.sourceOffset());
            if (!seen.add(c)) {
                continue;
            }
            String key = out.sourcePartition() + "/" + out.key();
            Long max = highest.get(key);
            if (max != null && out.sourceOffset() < max) {
                n++;
                example("%s %d@%d: input offset %d of key %s left after offset %d", topic, out.partition(),
                        out.offset(), out.sourceOffset(), out.key(), max);
            } else {
                highest.put(key, out.sourceOffset());
            }
        }
        return n;
    }

    private static String text(TopicRecords.In in) {
        try {
            JsonNode n = JSON.readTree(in.value());
            JsonNode t = n == null ? null : n.get("text");
            return t == null || !t.isTextual() ? null : t.asText();
        } catch (IOException e) {
            return null;
        }
    }

    private void example(String format, Object... args) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(String.format(format, args));
        }
    }

    private static long coordinates(int partition, long offset) {
        return ((long) partition << 44) | offset;
    }
}
