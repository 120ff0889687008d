package dev.enricher.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.ModelSpec;
import java.util.Iterator;
import java.util.List;

/**
 * Reads the {@code models:} list into the model catalog: each entry overrides what the built-in catalog says of a
 * model ({@code id}; any of {@code input-limit-tokens}, {@code usd-per-million-in}, {@code usd-per-million-out}) or
 * adds one (another OpenAI-compatible endpoint's model: all three are then required). The catalog gives each task's
 * input limit (long inputs) and each call's cost.
 */
final class ModelListReader {
    private static final List<String> KEYS = List.of("id", "input-limit-tokens", "usd-per-million-in",
            "usd-per-million-out");

    private ModelListReader() {
    }

    /** The built-in catalog with the section's models over it; {@code node} may be null (absent). */
    static ModelCatalog read(JsonNode node, List<ConfigException.Problem> problems) {
        ModelCatalog catalog = ModelCatalog.defaults();
        if (node == null || node.isNull()) {
            return catalog;
        }
        if (!node.isArray()) {
            problems.add(new ConfigException.Problem(RawConfig.MODELS, "must be a list of models, e.g. "
                    + "[{id: my-model, input-limit-tokens: 8192, usd-per-million-in: 0.1, usd-per-million-out: 0.3}]"));
            return catalog;
        }
        for (int i = 0; i < node.size(); i++) {
            String where = RawConfig.MODELS + "[" + i + "]";
            JsonNode m = node.get(i);
            if (!m.isObject()) {
                problems.add(new ConfigException.Problem(where, "must be a mapping with id, input-limit-tokens, "
                        + "usd-per-million-in, usd-per-million-out"));
                continue;
            }
            boolean ok = true;
            for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
                String f = names.next();
                if (!KEYS.contains(f.replace('_', '-'))) {
                    problems.add(new ConfigException.Problem(where + "." + f, "is not a model key; valid: "
                            + String.join(", ", KEYS)));
                    ok = false;
                }
            }
            JsonNode id = m.get("id");
            if (id == null || !id.isTextual() || id.asText().isBlank()) {
                problems.add(new ConfigException.Problem(where + ".id", "is required: the model id the API knows"));
                continue;
            }
            ModelSpec known = catalog.find(id.asText()).orElse(null);
            Double limit = number(m, "input-limit-tokens", where, 1, true, known == null, problems);
            Double in = number(m, "usd-per-million-in", where, 0, false, known == null, problems);
            Double out = number(m, "usd-per-million-out", where, 0, false, known == null, problems);
            if (!ok || (limit == null && known == null) || (in == null && known == null)
                    || (out == null && known == null)) {
                continue;
            }
            catalog = catalog.with(new ModelSpec(id.asText(),
                    limit != null ? limit.intValue() : known.inputLimitTokens(),
                    in != null ? in : known.inputUsdPerMillion(), out != null ? out : known.outputUsdPerMillion()));
        }
        return catalog;
    }

    /** The number at {@code key} (or its snake_case spelling); null when absent (a problem when required). */
    private static Double number(JsonNode m, String key, String where, double min, boolean whole, boolean required,
                                 List<ConfigException.Problem> problems) {
        JsonNode v = m.has(key) ? m.get(key) : m.get(key.replace('-', '_'));
        if (v == null || v.isNull()) {
            if (required) {
                problems.add(new ConfigException.Problem(where + "." + key, "is required for a model the built-in "
                        + "catalog does not know"));
            }
            return null;
        }
        if (!v.isNumber() || (whole && !v.canConvertToInt()) || (whole && !v.isIntegralNumber()) || v.asDouble() < min
                || Double.isInfinite(v.asDouble())) {
            problems.add(new ConfigException.Problem(where + "." + key, "must be " + (whole ? "a whole number" : "a number")
                    + " >= " + (whole ? String.valueOf((long) min) : String.valueOf(min)) + ", was " + v.asText()));
            return null;
        }
        return v.asDouble();
    }
}
