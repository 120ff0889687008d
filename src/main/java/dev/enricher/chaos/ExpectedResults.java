package dev.enricher.chaos;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatWire;
import dev.enricher.client.Choice;
import dev.enricher.simulator.Simulator;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.TaskType;
import dev.enricher.topology.EnrichedRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/**
 * What the service must publish for a text, computed the way the service computes it but from the simulator's pure
 * answer function instead of a call: the request each task builds, the content the simulator answers it with, the
 * task's own parser, the Avro form. An enriched record whose results differ from these carries an answer that
 * belongs to another record, another task or another configuration.
 *
 * <p>Thread-safe when the tasks are (they are immutable).
 */
final class ExpectedResults {
    /**
     * The expected outcome of one text.
     *
     * @param results  per task name, its result's Avro form; empty when {@link #refusal} is set
     * @param text     the text the enriched record must carry (the redacted text when a task redacts)
     * @param redacted whether {@code text} is a redacted text
     * @param refusal  why the API refuses a task of this text for good (a dead letter is right), else null
     * @param paid     the calls the API answers 200 for this text: the least a run can pay for it
     */
    record Expected(Map<String, Object> results, String text, boolean redacted, String refusal, int paid) {
    }

    private final List<EnrichmentTask> tasks;
    private final Simulator simulator;
    private final ChatWire wire = new ChatWire();

    ExpectedResults(List<EnrichmentTask> tasks, Simulator simulator) {
        this.tasks = List.copyOf(tasks);
        this.simulator = simulator;
    }

    /** The results an enriched record carries, by task name (a task without one is absent). */
    Map<String, Object> actual(GenericRecord e) {
        Map<String, Object> got = new LinkedHashMap<>();
        for (EnrichmentTask task : tasks) {
            Object result = EnrichedRecords.result(e, task.name());
            if (result != null) {
                got.put(task.name(), result);
            }
        }
        return got;
    }

    Expected of(String text) {
        Map<String, Object> results = new LinkedHashMap<>();
        String shown = text;
        boolean redacted = false;
        boolean redactorSeen = false;
        String refusal = null;
        int paid = 0;
        for (EnrichmentTask task : tasks) {
            TaskType type = TaskType.of(task);
            String content;
            try {
                content = simulator.answerContent(wire.requestBody(task.request(text)));
            } catch (IllegalArgumentException refused) {
                refusal = refusal == null ? task.name() + ": " + refused.getMessage() : refusal;
                continue;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            paid++;
            dev.enricher.tasks.TaskResult result;
            try {
                result = task.parse(new ChatCompletion("expected", 0, task.model(),
                        List.of(new Choice(0, "assistant", content, "stop")), null, null, 1, null), text);
            } catch (RuntimeException unparseable) {
                // The service cannot use the simulator's own answer: a defect the check reports as a wrong outcome.
                refusal = refusal == null ? task.name() + ": its answer does not parse: " + unparseable.getMessage()
                        : refusal;
                continue;
            }
            results.put(task.name(), type.toAvro(result));
            if (!redactorSeen && type.redacts(task)) {
                redactorSeen = true;
                shown = type.redactedText(result);
                redacted = true;
            }
        }
        return refusal != null ? new Expected(Map.of(), text, false, refusal, paid)
                : new Expected(Map.copyOf(results), shown, redacted, null, paid);
    }
}
