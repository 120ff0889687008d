package dev.enricher.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.enricher.avro.ThinkingSplit;
import dev.enricher.tasks.ClassificationResult;
import dev.enricher.tasks.EntitiesResult;
import dev.enricher.tasks.ExtractionResult;
import dev.enricher.tasks.FollowupQuestionsResult;
import dev.enricher.tasks.IabEnrichedResult;
import dev.enricher.tasks.IabResult;
import dev.enricher.tasks.PiiEntity;
import dev.enricher.tasks.PiiResult;
import dev.enricher.tasks.ScoredLabel;
import dev.enricher.tasks.TaskResult;
import dev.enricher.tasks.TextResult;
import dev.enricher.tasks.ThinkingResult;
import dev.enricher.tasks.ZeroShotResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Avro form of each {@link TaskResult}, field for field, order kept. Puts one result into the matching map field
 * of an {@link dev.enricher.avro.EnrichedEvent} being built. Stateless and thread-safe.
 *
 * <p>The Avro classes share their simple names with the task results, so they are written fully qualified here.
 */
public final class AvroResults {
    /** Thread-safe once built; only writes plain Java values (String, numbers, Boolean, List, Map, null). */
    private static final ObjectMapper JSON = new ObjectMapper();

    private AvroResults() {
    }

    /** The map fields of the enriched record, one per result type, each keyed by task name. */
    public static final class Fields {
        public final Map<String, dev.enricher.avro.IabResult> iab;
        public final Map<String, dev.enricher.avro.IabEnrichedResult> iabEnriched;
        public final Map<String, dev.enricher.avro.FollowupQuestionsResult> followups;
        public final Map<String, dev.enricher.avro.PiiResult> pii;
        public final Map<String, dev.enricher.avro.EntitiesResult> entities;
        public final Map<String, dev.enricher.avro.ExtractionResult> extraction;
        public final Map<String, dev.enricher.avro.ClassificationResult> classification;
        public final Map<String, dev.enricher.avro.ZeroShotResult> zeroShot;
        public final Map<String, dev.enricher.avro.TextResult> textGeneration;
        public final Map<String, dev.enricher.avro.ThinkingResult> thinking;

        /** Empty maps for the configured result types, null for the others. */
        public Fields(Set<Class<? extends TaskResult>> configured) {
            iab = mapIf(configured, IabResult.class);
            iabEnriched = mapIf(configured, IabEnrichedResult.class);
            followups = mapIf(configured, FollowupQuestionsResult.class);
            pii = mapIf(configured, PiiResult.class);
            entities = mapIf(configured, EntitiesResult.class);
            extraction = mapIf(configured, ExtractionResult.class);
            classification = mapIf(configured, ClassificationResult.class);
            zeroShot = mapIf(configured, ZeroShotResult.class);
            textGeneration = mapIf(configured, TextResult.class);
            thinking = mapIf(configured, ThinkingResult.class);
        }

        private static <V> Map<String, V> mapIf(Set<Class<? extends TaskResult>> configured,
                                                Class<? extends TaskResult> type) {
            return configured.contains(type) ? new LinkedHashMap<>() : null;
        }

        /**
         * Adds {@code result} under {@code task} in its type's map.
         *
         * @throws IllegalArgumentException when no task of the result's type is configured (an engine bug)
         */
        public void put(String task, TaskResult result) {
            if (result instanceof IabResult r) {
                require(iab, task, r).put(task, iab(r));
            } else if (result instanceof IabEnrichedResult r) {
                require(iabEnriched, task, r).put(task, iabEnriched(r));
            } else if (result instanceof FollowupQuestionsResult r) {
                require(followups, task, r).put(task, new dev.enricher.avro.FollowupQuestionsResult(r.questions()));
            } else if (result instanceof PiiResult r) {
                require(pii, task, r).put(task, pii(r));
            } else if (result instanceof EntitiesResult r) {
                require(entities, task, r).put(task, new dev.enricher.avro.EntitiesResult(r.entities()));
            } else if (result instanceof ExtractionResult r) {
                require(extraction, task, r).put(task, extraction(r));
            } else if (result instanceof ClassificationResult r) {
                require(classification, task, r).put(task,
                        new dev.enricher.avro.ClassificationResult(r.classification()));
            } else if (result instanceof ZeroShotResult r) {
                require(zeroShot, task, r).put(task, new dev.enricher.avro.ZeroShotResult(labels(r.labels())));
            } else if (result instanceof TextResult r) {
                require(textGeneration, task, r).put(task,
                        new dev.enricher.avro.TextResult(r.text(), r.finishReason(), r.truncated()));
            } else if (result instanceof ThinkingResult r) {
                require(thinking, task, r).put(task, new dev.enricher.avro.ThinkingResult(r.answer(), r.reasoning(),
                        ThinkingSplit.valueOf(r.split().name()), r.truncated()));
            } else {
                // Unreachable while TaskResult is sealed to the ten types above; a new type must be mapped here.
                throw new IllegalArgumentException("task " + task + ": no Avro mapping for result type "
                        + result.getClass().getName());
            }
        }

        private static <V> Map<String, V> require(Map<String, V> field, String task, TaskResult result) {
            if (field == null) {
                throw new IllegalArgumentException("task " + task + " returned a " + result.getClass().getSimpleName()
                        + " but no task of that type is configured");
            }
            return field;
        }
    }

    private static dev.enricher.avro.IabResult iab(IabResult r) {
        return new dev.enricher.avro.IabResult(labels(r.audience()), labels(r.iab10()), labels(r.iab22()));
    }

    private static dev.enricher.avro.IabEnrichedResult iabEnriched(IabEnrichedResult r) {
        List<dev.enricher.avro.IabAudience> audience = new ArrayList<>(r.audience().size());
        for (IabEnrichedResult.Audience a : r.audience()) {
            audience.add(new dev.enricher.avro.IabAudience(a.id(), a.parentId(), a.name(), a.tier1Name(),
                    a.tier2Name(), a.tier3Name(), a.score()));
        }
        List<dev.enricher.avro.IabCategory> categories = new ArrayList<>(r.iab10().size());
        for (IabEnrichedResult.Category c : r.iab10()) {
            categories.add(new dev.enricher.avro.IabCategory(c.code(), c.name(), c.tier(), c.parentCode(), c.score()));
        }
        IabEnrichedResult.UserIntent i = r.userIntent();
        return new dev.enricher.avro.IabEnrichedResult(audience, categories, labels(r.topics()), r.keywords(),
                i == null ? null : new dev.enricher.avro.UserIntent(i.name(), i.category(), i.score()));
    }

    private static dev.enricher.avro.PiiResult pii(PiiResult r) {
        List<dev.enricher.avro.PiiEntity> entities = new ArrayList<>(r.entities().size());
        for (PiiEntity e : r.entities()) {
            entities.add(new dev.enricher.avro.PiiEntity(e.text(), e.label(), e.start(), e.end(), e.score()));
        }
        return new dev.enricher.avro.PiiResult(entities, r.entitiesByLabel(), r.redactedText());
    }

    /** Each value as JSON text, so that 42, true and "42" stay apart; a missing field stays null. */
    private static dev.enricher.avro.ExtractionResult extraction(ExtractionResult r) {
        Map<String, List<Map<String, String>>> data = new LinkedHashMap<>();
        r.data().forEach((group, instances) -> {
            List<Map<String, String>> out = new ArrayList<>(instances.size());
            for (Map<String, Object> instance : instances) {
                Map<String, String> fields = new LinkedHashMap<>();
                instance.forEach((field, value) -> fields.put(field, value == null ? null : json(group, field, value)));
                out.add(fields);
            }
            data.put(group, out);
        });
        return new dev.enricher.avro.ExtractionResult(data);
    }

    private static String json(String group, String field, Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            // Values are plain Java values read from JSON, so this is a bug; the message names where, not the value.
            throw new IllegalArgumentException("extraction value of " + group + "." + field + " (a "
                    + value.getClass().getName() + ") cannot be written as JSON", e);
        }
    }

    private static List<dev.enricher.avro.ScoredLabel> labels(List<ScoredLabel> labels) {
        List<dev.enricher.avro.ScoredLabel> out = new ArrayList<>(labels.size());
        for (ScoredLabel l : labels) {
            out.add(new dev.enricher.avro.ScoredLabel(l.name(), l.score()));
        }
        return out;
    }
}
