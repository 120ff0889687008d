package dev.enricher.simulator;

import dev.enricher.client.ModelCatalog;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Service time per model: a distribution per model id, one for models not listed, and an optional fixed
 * value that overrides every distribution ({@code --latency-ms}). Immutable.
 *
 * <p>No latency figures are published; the defaults follow third-party catalogs (about 200-300 ms for the
 * small classifiers) and give the generative models more.
 *
 * @param byModel   distributions by model id (never null)
 * @param otherwise the distribution of models not in {@code byModel}
 * @param fixed     when not null, every request takes exactly this long
 */
public record LatencyProfile(Map<String, LatencyDistribution> byModel, LatencyDistribution otherwise, Duration fixed) {
    public LatencyProfile {
        byModel = byModel == null ? Map.of() : Map.copyOf(byModel);
        Objects.requireNonNull(otherwise, "otherwise");
        if (fixed != null && fixed.isNegative()) {
            throw new IllegalArgumentException("fixed latency must be >= 0, was " + fixed);
        }
    }

    /** The documented-ish defaults: ~250 ms for classifiers, ~600-900 ms for the generative models. */
    public static LatencyProfile defaults() {
        Map<String, LatencyDistribution> m = new LinkedHashMap<>();
        m.put(ModelCatalog.LLAMA, LatencyDistribution.of(700, 2500));
        m.put(ModelCatalog.LFM_INSTRUCT, LatencyDistribution.of(600, 2000));
        m.put(ModelCatalog.LFM_THINKING, LatencyDistribution.of(900, 3000));
        m.put(ModelCatalog.GLINER2, LatencyDistribution.of(300, 900));
        m.put(ModelCatalog.GLINER_PII, LatencyDistribution.of(300, 900));
        return new LatencyProfile(m, LatencyDistribution.of(250, 800), null);
    }

    /** Every request takes exactly {@code fixed} (zero for none). */
    public static LatencyProfile fixed(Duration fixed) {
        return new LatencyProfile(Map.of(), LatencyDistribution.fixed(fixed.toMillis()), Objects.requireNonNull(fixed));
    }

    /** No latency at all: answers as fast as the server can. */
    public static LatencyProfile none() {
        return fixed(Duration.ZERO);
    }

    public LatencyProfile withFixed(Duration v) {
        return new LatencyProfile(byModel, otherwise, v);
    }

    public LatencyProfile with(String model, LatencyDistribution d) {
        Map<String, LatencyDistribution> m = new LinkedHashMap<>(byModel);
        m.put(model, d);
        return new LatencyProfile(m, otherwise, fixed);
    }

    LatencyDistribution forModel(String model) {
        LatencyDistribution d = byModel.get(model);
        return d == null ? otherwise : d;
    }
}
