package dev.enricher.client;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The models a deployment knows, with input limits and prices. The real catalog changes often
 * (models are renamed and retired), so this is configuration: {@link #defaults()} is the catalog
 * as documented in 2026, and {@link #with(ModelSpec)} / {@link #without(String)} adjust it.
 * Immutable.
 */
public final class ModelCatalog {
    public static final String LLAMA = "llama-3.1-8b-instruct-fast";
    public static final String LFM_INSTRUCT = "LFM2.5-1.2B-Instruct";
    public static final String LFM_THINKING = "LFM2.5-1.2B-Thinking";
    public static final String DEBERTA = "deberta-v3-small";
    public static final String GLINER2 = "gliner2-base-v1";
    public static final String GLINER_PII = "gliner-multi-pii-v1";
    public static final String IAB = "zlm-v1-iab-classify-edge";
    public static final String IAB_ENRICHED_V1 = "zlm-v1-iab-classify-edge-enriched";
    public static final String IAB_ENRICHED = "zlm-v2-iab-classify-edge-enriched";
    public static final String FOLLOWUP = "zlm-v1-followup-questions-edge";

    private static final double IN_PRICE = 0.02;
    private static final double OUT_PRICE = 0.05;

    private final Map<String, ModelSpec> models;

    private ModelCatalog(Map<String, ModelSpec> models) {
        this.models = Map.copyOf(models);
    }

    public static ModelCatalog defaults() {
        Map<String, ModelSpec> m = new LinkedHashMap<>();
        put(m, LLAMA, 131_072);
        put(m, LFM_INSTRUCT, 32_768);
        put(m, LFM_THINKING, 32_768);
        put(m, DEBERTA, 400);
        put(m, GLINER2, 800);
        put(m, GLINER_PII, 800);
        put(m, IAB, 400);
        put(m, IAB_ENRICHED_V1, 400);
        put(m, IAB_ENRICHED, 400);
        put(m, FOLLOWUP, 400);
        return new ModelCatalog(m);
    }

    public static ModelCatalog of(Collection<ModelSpec> specs) {
        Map<String, ModelSpec> m = new LinkedHashMap<>();
        for (ModelSpec s : specs) {
            m.put(s.id(), s);
        }
        return new ModelCatalog(m);
    }

    private static void put(Map<String, ModelSpec> m, String id, int limit) {
        m.put(id, new ModelSpec(id, limit, IN_PRICE, OUT_PRICE));
    }

    public Optional<ModelSpec> find(String id) {
        return Optional.ofNullable(models.get(id));
    }

    public boolean contains(String id) {
        return models.containsKey(id);
    }

    public Collection<ModelSpec> models() {
        return models.values();
    }

    public ModelCatalog with(ModelSpec spec) {
        Map<String, ModelSpec> m = new LinkedHashMap<>(models);
        m.put(spec.id(), spec);
        return new ModelCatalog(m);
    }

    public ModelCatalog without(String id) {
        Map<String, ModelSpec> m = new LinkedHashMap<>(models);
        m.remove(id);
        return new ModelCatalog(m);
    }

    @Override
    public String toString() {
        return "ModelCatalog" + models.keySet();
    }
}
