package dev.enricher.simulator;

import dev.enricher.client.ModelCatalog;
import dev.enricher.client.ModelSpec;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which generator answers which model: the documented models by id; any other model a custom catalog adds, by
 * the family its name suggests (iab, followup, pii, gliner, deberta, thinking), plain summary otherwise. The chat
 * models answer a request that asks for JSON matching a JSON Schema with such JSON ({@link StructuredAnswers}).
 * Immutable; built once at start.
 */
final class AnswerGenerators {
    private final Map<String, AnswerGenerator> byModel;

    AnswerGenerators(ModelCatalog catalog, FollowupFormat followupFormat, double jsonFaultRate) {
        AnswerGenerator followup = new FollowupAnswers(followupFormat);
        AnswerGenerator pii = new PiiAnswers();
        AnswerGenerator gliner2 = new Gliner2Answers();
        AnswerGenerator zeroShot = new ZeroShotAnswers();
        Map<String, AnswerGenerator> m = new HashMap<>();
        for (ModelSpec spec : catalog.models()) {
            String id = spec.id();
            String l = id.toLowerCase(Locale.ROOT);
            AnswerGenerator g;
            if (id.equals(ModelCatalog.IAB)) {
                g = IabAnswers.BASIC;
            } else if (l.contains("iab")) {
                g = l.contains("enriched") ? IabAnswers.ENRICHED : IabAnswers.BASIC;
            } else if (l.contains("followup") || l.contains("follow-up")) {
                g = followup;
            } else if (l.contains("pii")) {
                g = pii;
            } else if (l.contains("gliner")) {
                g = gliner2;
            } else if (l.contains("deberta") || l.contains("zero-shot")) {
                g = zeroShot;
            } else if (l.contains("thinking")) {
                g = new StructuredAnswers(TextAnswers.THINKING, jsonFaultRate);
            } else if (l.startsWith("lfm") || l.contains("instruct") && !l.contains("fast")) {
                g = new StructuredAnswers(TextAnswers.INSTRUCT, jsonFaultRate);
            } else {
                g = new StructuredAnswers(TextAnswers.SUMMARY, jsonFaultRate);
            }
            m.put(id, g);
        }
        this.byModel = Map.copyOf(m);
    }

    /** The generator of a catalog model; null when the model is not in the catalog. */
    AnswerGenerator forModel(String model) {
        return byModel.get(model);
    }
}
