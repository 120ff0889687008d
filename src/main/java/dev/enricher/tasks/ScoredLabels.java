package dev.enricher.tasks;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Reads the {@code [{"name": ..., "score": ...}]} arrays several models answer with. */
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
}
