package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The API's own time for an event as the open loop takes it off the end-to-end latency
 * ({@link OutputTracker#apiCriticalPath}): entries shaped as the enriched record's {@code model_calls}, made up here.
 */
class ApiCriticalPathTest {
    private static final Schema CALL = SchemaBuilder.record("ModelCall").fields()
            .requiredString("task").requiredString("model").requiredLong("latency_ms").requiredInt("attempts")
            .name("piece").type().optional().intType()
            .name("cached").type().booleanType().booleanDefault(false)
            .endRecord();

    private static GenericRecord call(String task, long latencyMs, Integer piece, boolean cached) {
        GenericRecord r = new GenericData.Record(CALL);
        r.put("task", task);
        r.put("model", "m");
        r.put("latency_ms", latencyMs);
        r.put("attempts", 1);
        r.put("piece", piece);
        r.put("cached", cached);
        return r;
    }

    @Test
    void oneCallIsItsOwnLatencyInOneRound() {
        assertThat(OutputTracker.apiCriticalPath(List.of(call("iab", 203, null, false)))).containsExactly(203, 1);
    }

    @Test
    void piecesOfATaskRunSideBySideAndTheSlowestCounts() {
        assertThat(OutputTracker.apiCriticalPath(List.of(call("iab", 201, 0, false), call("iab", 240, 1, false))))
                .containsExactly(240, 1);
    }

    @Test
    void aRepairFollowsTheRefusedAnswerOfItsPiece() {
        // Piece 0 answered, refused, asked again: two rounds in sequence; piece 1 once, meanwhile.
        assertThat(OutputTracker.apiCriticalPath(List.of(call("iab", 200, 0, false), call("iab", 210, 0, false),
                call("iab", 230, 1, false)))).containsExactly(410, 2);
    }

    @Test
    void independentTasksRunSideBySideAndCachedAnswersTakeNoApiTime() {
        assertThat(OutputTracker.apiCriticalPath(List.of(call("iab", 205, null, false), call("pii", 220, null, false),
                call("followups", 900, null, true)))).containsExactly(220, 1);
        assertThat(OutputTracker.apiCriticalPath(List.of(call("iab", 205, null, true)))).containsExactly(0, 0);
    }
}
