package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the {@code [{"name": ..., "score": ...}]} arrays several models answer with, and writes label lists in their
 * Avro form.
 */
final class ScoredLabels {
    private ScoredLabels() {
    }

    static List<ScoredLabel> read(JsonNode array, String path) {
        JsonShape.array(array, path);
        List<ScoredLabel> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            out.add(one(array.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    static ScoredLabel one(JsonNode item, String path) {
        JsonShape.object(item, path);
        return new ScoredLabel(JsonShape.requiredString(item, "name", path),
                JsonShape.requiredNumber(item, "score", path));
    }

    /** The Avro form of {@code labels}, order kept. */
    static List<dev.enricher.avro.ScoredLabel> avro(List<ScoredLabel> labels) {
        List<dev.enricher.avro.ScoredLabel> out = new ArrayList<>(labels.size());
        for (ScoredLabel l : labels) {
            out.add(new dev.enricher.avro.ScoredLabel(l.name(), l.score()));
        }
        return out;
    }
}
