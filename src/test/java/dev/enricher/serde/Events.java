package dev.enricher.serde;

import dev.enricher.avro.EnrichedEvent;
import dev.enricher.avro.FollowupQuestionsResult;
import dev.enricher.avro.IabResult;
import dev.enricher.avro.ModelCall;
import dev.enricher.avro.PiiEntity;
import dev.enricher.avro.PiiResult;
import dev.enricher.avro.ScoredLabel;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Realistic records for the serde tests. */
final class Events {
    private Events() {
    }

    static EnrichedEvent enriched(long offset) {
        return EnrichedEvent.newBuilder()
                .setId("evt-" + offset)
                .setSourceTopic("raw")
                .setSourcePartition(3)
                .setSourceOffset(offset)
                .setSourceTimestamp(Instant.ofEpochMilli(1_764_000_000_000L + offset))
                .setText("Call [PERSON] at [PHONE] about the new hiking boots.")
                .setTextRedacted(true)
                .setAttributes(Map.of("lang", "en"))
                .setIab(Map.of("iab", IabResult.newBuilder()
                        .setAudience(List.of(new ScoredLabel("Hikers", 0.91)))
                        .setIab10(List.of(new ScoredLabel("Sports", 0.8)))
                        .setIab22(List.of())
                        .build()))
                .setFollowupQuestions(Map.of("followups", new FollowupQuestionsResult(List.of("Which size?"))))
                .setPii(Map.of("pii", PiiResult.newBuilder()
                        .setEntities(List.of(new PiiEntity("Ann", "person", 5, 8, 0.99)))
                        .setEntitiesByLabel(Map.of("person", List.of("Ann")))
                        .setRedactedText("Call [PERSON] at [PHONE] about the new hiking boots.")
                        .build()))
                .setModelCalls(List.of(ModelCall.newBuilder().setTask("iab").setModel("zlm-v1-iab-classify-edge")
                        .setCompletionId("cmpl-1").setRequestId("req-1").setPromptTokens(120).setCompletionTokens(40)
                        .setLatencyMs(85).setAttempts(1).build()))
                .setEnrichedAt(Instant.ofEpochMilli(1_764_000_001_000L))
                .build();
    }
}
