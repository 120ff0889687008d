package dev.enricher.serde;

import dev.enricher.avro.FollowupQuestionsResult;
import dev.enricher.avro.IabResult;
import dev.enricher.avro.PiiEntity;
import dev.enricher.avro.PiiResult;
import dev.enricher.avro.ScoredLabel;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Realistic records for the serde tests. */
final class Events {
    private Events() {
    }

    /** The enriched record's schema with an {@code iab}, a {@code followups} and a {@code pii} task. */
    static final Schema SCHEMA = dev.enricher.bench.SerdeBenchmark.SAMPLE_SCHEMA;

    static GenericRecord enriched(long offset) {
        GenericData.Record results = new GenericData.Record(SCHEMA.getField("results").schema());
        results.put("iab", IabResult.newBuilder()
                .setAudience(List.of(new ScoredLabel("Hikers", 0.91)))
                .setIab10(List.of(new ScoredLabel("Sports", 0.8)))
                .setIab22(List.of())
                .build());
        results.put("followups", new FollowupQuestionsResult(List.of("Which size?")));
        results.put("pii", PiiResult.newBuilder()
                .setEntities(List.of(new PiiEntity("Ann", "person", 5, 8, 0.99, null)))
                .setEntitiesByLabel(Map.of("person", List.of("Ann")))
                .setRedactedText("Call [PERSON] at [PHONE] about the new hiking boots.")
                .build());
        GenericData.Record call = new GenericData.Record(SCHEMA.getField("model_calls").schema().getElementType());
        call.put("task", "iab");
        call.put("model", "zlm-v1-iab-classify-edge");
        call.put("completion_id", "cmpl-1");
        call.put("request_id", "req-1");
        call.put("prompt_tokens", 120);
        call.put("completion_tokens", 40);
        call.put("latency_ms", 85L);
        call.put("attempts", 1);
        call.put("accepted", true);
        call.put("cached", false);
        GenericData.Record e = new GenericData.Record(SCHEMA);
        e.put("id", "evt-" + offset);
        e.put("source_topic", "raw");
        e.put("source_partition", 3);
        e.put("source_offset", offset);
        e.put("source_timestamp", java.time.Instant.ofEpochMilli(1_764_000_000_000L + offset));
        e.put("text", "Call [PERSON] at [PHONE] about the new hiking boots.");
        e.put("text_redacted", true);
        e.put("attributes", Map.of("lang", "en"));
        e.put("results", results);
        e.put("model_calls", List.of(call));
        e.put("failed_tasks", List.of());
        e.put("skipped_tasks", List.of());
        e.put("long_inputs", List.of());
        e.put("cost_usd", 0.0);
        e.put("enriched_at", java.time.Instant.ofEpochMilli(1_764_000_001_000L));
        return e;
    }
}
