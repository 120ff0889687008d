package dev.enricher.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.enricher.client.ModelCatalog;
import dev.enricher.client.Usage;
import dev.enricher.engine.CallObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The money metrics: tokens and cost by model and task, and the calls (and their cost) that stored answers saved. */
class ServiceMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void tokensAndCostAreCountedByModelAndTask() {
        try (ServiceMetrics metrics = new ServiceMetrics(registry, ModelCatalog.defaults())) {
            CallObserver o = metrics.callObserver();
            o.callEnded(ModelCatalog.LLAMA, "summary", CallObserver.SUCCESS, 200, Duration.ofMillis(40),
                    new Usage(1_000, 200, 1_200));
            o.callEnded(ModelCatalog.LLAMA, "sentiment", CallObserver.SUCCESS, 200, Duration.ofMillis(40),
                    new Usage(500, 10, 510));

            assertThat(registry.get("enricher.tokens").tags("model", ModelCatalog.LLAMA, "task", "summary",
                    "direction", "in").counter().count()).isEqualTo(1_000);
            assertThat(registry.get("enricher.cost").tags("task", "sentiment").counter().count())
                    .isCloseTo(500 * 0.02 / 1e6 + 10 * 0.05 / 1e6, within(1e-12));
            assertThat(registry.scrape()).contains("enricher_cost_usd_total{model=\"" + ModelCatalog.LLAMA
                    + "\",task=\"summary\"}");
        }
    }

    @Test
    void savedCallsAreCountedWithWhatTheyWouldHaveCost() {
        try (ServiceMetrics metrics = new ServiceMetrics(registry, ModelCatalog.defaults())) {
            CallObserver o = metrics.callObserver();
            o.callSaved(ModelCatalog.LLAMA, "summary", new Usage(1_000, 200, 1_200));
            o.callSaved(ModelCatalog.LLAMA, "summary", new Usage(1_000, 200, 1_200));

            assertThat(registry.get("enricher.calls.saved").tags("task", "summary").counter().count()).isEqualTo(2);
            assertThat(registry.get("enricher.cost.saved").tags("task", "summary").counter().count())
                    .isCloseTo(2 * (1_000 * 0.02 / 1e6 + 200 * 0.05 / 1e6), within(1e-12));
            assertThat(registry.find("enricher.tokens").counters()).as("saved calls bill no tokens").isEmpty();
            assertThat(registry.scrape()).contains("enricher_calls_saved_total{").contains("enricher_cost_saved_usd_total{");
        }
    }
}
