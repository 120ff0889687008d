package dev.enricher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.Usage;
import dev.enricher.engine.CallObserver;
import dev.enricher.ops.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus alerts ask only for metrics the service exports, under their Prometheus
 * names, and each alert says how bad it is and what to do.
 */
class DashboardAndAlertsTest {
    /**
     * Every series name the dashboard and the alerts may use: the service's own (dev.enricher.ops.ServiceMetrics,
     * Micrometer's Prometheus naming), Kafka Streams' consumer lag (Micrometer's KafkaStreamsMetrics), the JVM ones the
     * dashboard plots, and Prometheus' own {@code up}.
     */
    static final Set<String> KNOWN_METRICS = Set.of(
            "enricher_calls_in_flight",
            "enricher_calls_waiting_for_limit",
            "enricher_concurrency_limit",
            "enricher_pending_events",
            "enricher_parked_events",
            "enricher_oldest_pending_age_seconds",
            "enricher_api_latency_seconds_bucket",
            "enricher_api_latency_seconds_count",
            "enricher_api_latency_seconds_sum",
            "enricher_api_responses_total",
            "enricher_retries_total",
            "enricher_enriched_total",
            "enricher_dead_letters_total",
            "enricher_tokens_total",
            "enricher_cost_usd_total",
            "enricher_calls_saved_total",
            "enricher_cost_saved_usd_total",
            "enricher_budget_used_ratio",
            "enricher_budget_paused",
            "enricher_budget_spent_usd",
            "enricher_circuit_open",
            "enricher_circuit_opens_total",
            "kafka_consumer_fetch_manager_records_lag_max",
            "jvm_memory_used_bytes",
            "jvm_memory_max_bytes",
            "process_cpu_usage",
            "up");

    /** What an operator of this service must see on the dashboard. */
    static final Set<String> DASHBOARD_MUST_SHOW = Set.of(
            "enricher_enriched_total", "enricher_dead_letters_total", "kafka_consumer_fetch_manager_records_lag_max",
            "enricher_calls_in_flight", "enricher_calls_waiting_for_limit", "enricher_concurrency_limit",
            "enricher_api_latency_seconds_bucket",
            "enricher_retries_total", "enricher_api_responses_total", "enricher_pending_events",
            "enricher_oldest_pending_age_seconds", "enricher_circuit_open", "enricher_tokens_total",
            "enricher_cost_usd_total", "enricher_calls_saved_total", "enricher_cost_saved_usd_total",
            "enricher_budget_used_ratio");

    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan");
    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");

    @Test
    void dashboardParsesAndEveryPanelQueriesKnownMetrics() throws IOException {
        JsonNode dashboard = DeployFiles.JSON.readTree(DeployFiles.file("deploy/grafana/stream-enricher.json").toFile());
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        assertThat(dashboard.path("title").asText()).isNotBlank();
        Map<String, String> exprs = new LinkedHashMap<>();
        Set<Integer> ids = new TreeSet<>();
        for (JsonNode panel : panels(dashboard)) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s is unique", panel.path("id")).isTrue();
            JsonNode grid = panel.path("gridPos");
            assertThat(grid.path("x").asInt() + grid.path("w").asInt()).as("panel '%s' fits 24 columns",
                    panel.path("title").asText()).isBetween(1, 24);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets")).as("panel '%s' has queries", panel.path("title").asText()).isNotEmpty();
            for (JsonNode t : panel.path("targets")) {
                exprs.put(panel.path("title").asText() + " / " + t.path("refId").asText(), t.path("expr").asText());
            }
        }
        Set<String> used = new TreeSet<>();
        exprs.forEach((where, expr) -> {
            Set<String> names = metricNames(expr);
            assertThat(names).as("metrics of %s: %s", where, expr).isNotEmpty().isSubsetOf(KNOWN_METRICS);
            used.addAll(names);
        });
        assertThat(used).containsAll(DASHBOARD_MUST_SHOW);
    }

    @Test
    void dashboardVariablesAreDefined() throws IOException {
        JsonNode dashboard = DeployFiles.JSON.readTree(DeployFiles.file("deploy/grafana/stream-enricher.json").toFile());
        Set<String> defined = new TreeSet<>();
        dashboard.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
        Set<String> referenced = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{?([A-Za-z_]\\w*)").matcher(dashboard.toString());
        while (m.find()) {
            if (!m.group(1).startsWith("__")) {
                referenced.add(m.group(1));
            }
        }
        assertThat(defined).containsAll(referenced);
    }

    @Test
    void everyAlertHasSeveritySummaryDescriptionAndARunbookAndAsksForKnownMetrics() {
        JsonNode rules = DeployFiles.yaml(DeployFiles.file("deploy/prometheus/alerts.yaml"));
        List<JsonNode> alerts = new ArrayList<>();
        rules.path("groups").forEach(g -> g.path("rules").forEach(alerts::add));
        assertThat(alerts).isNotEmpty();
        for (JsonNode rule : alerts) {
            String name = rule.path("alert").asText();
            assertThat(name).as("every rule is an alert").isNotBlank();
            assertThat(rule.path("labels").path("severity").asText()).as("%s severity", name).isIn(SEVERITIES);
            JsonNode annotations = rule.path("annotations");
            assertThat(annotations.path("summary").asText()).as("%s summary", name).isNotBlank();
            assertThat(annotations.path("description").asText()).as("%s description", name).isNotBlank();
            assertThat(annotations.path("runbook").asText(annotations.path("runbook_url").asText()))
                    .as("%s runbook", name).isNotBlank();
            String expr = rule.path("expr").asText();
            assertThat(metricNames(expr)).as("metrics of %s: %s", name, expr).isNotEmpty().isSubsetOf(KNOWN_METRICS);
        }
    }

    @Test
    void alertsCoverLagCircuitDeadLettersRateLimitsAndStuckEvents() {
        JsonNode rules = DeployFiles.yaml(DeployFiles.file("deploy/prometheus/alerts.yaml"));
        Map<String, JsonNode> byMetric = new LinkedHashMap<>();
        rules.path("groups").forEach(g -> g.path("rules").forEach(r ->
                metricNames(r.path("expr").asText()).forEach(n -> byMetric.putIfAbsent(n, r))));
        assertThat(byMetric).containsKeys("kafka_consumer_fetch_manager_records_lag_max", "enricher_circuit_open",
                "enricher_budget_used_ratio",
                "enricher_dead_letters_total", "enricher_api_responses_total", "enricher_oldest_pending_age_seconds");
        List<JsonNode> circuitAlerts = new ArrayList<>();
        rules.path("groups").forEach(g -> g.path("rules").forEach(r -> {
            if (metricNames(r.path("expr").asText()).equals(Set.of("enricher_circuit_open"))) {
                circuitAlerts.add(r);
            }
        }));
        assertThat(circuitAlerts).as("an alert on enricher_circuit_open alone").isNotEmpty()
                .allSatisfy(r -> assertThat(r.path("labels").path("severity").asText()).isEqualTo("critical"));
        String rateLimit = byMetric.get("enricher_api_responses_total").path("expr").asText();
        assertThat(rateLimit).contains("status=\"429\"");
        long lagAlerts = rules.path("groups").findValues("expr").stream()
                .filter(e -> e.asText().contains("kafka_consumer_fetch_manager_records_lag_max")).count();
        assertThat(lagAlerts).as("a high-lag and a growing-lag alert").isGreaterThanOrEqualTo(2);
    }

    /**
     * Keeps {@link #KNOWN_METRICS} honest for the meters the service registers per API call: they appear under these
     * names in a real scrape of {@link ServiceMetrics}. (The gauges bound to a running pipeline follow the same naming.)
     */
    @Test
    void knownMetricNamesMatchWhatServiceMetricsExports() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ServiceMetrics metrics = new ServiceMetrics(registry, ModelCatalog.defaults())) {
            CallObserver observer = metrics.callObserver();
            observer.callEnded(ModelCatalog.GLINER_PII, CallObserver.SUCCESS, 200, Duration.ofMillis(40),
                    new Usage(12, 7, 19));
            observer.callEnded(ModelCatalog.GLINER_PII, CallObserver.TRANSIENT_ERROR, 429, Duration.ofMillis(5),
                    Usage.NONE);
            Set<String> scraped = registry.scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.replaceAll("[{ ].*", "")).collect(Collectors.toCollection(TreeSet::new));
            assertThat(scraped).contains("enricher_api_latency_seconds_bucket", "enricher_api_responses_total",
                    "enricher_tokens_total", "enricher_cost_usd_total", "jvm_memory_used_bytes", "jvm_memory_max_bytes",
                    "process_cpu_usage");
        }
    }

    @Test
    void metricNamesAreReadFromPromQl() {
        assertThat(metricNames("histogram_quantile(0.99, sum by (le, model) (rate(enricher_api_latency_seconds_bucket"
                + "{job=~\"$job\", outcome=\"success\"}[$__rate_interval]))) / clamp_min(up, 1e-9)"))
                .containsExactlyInAnyOrder("enricher_api_latency_seconds_bucket", "up");
        assertThat(metricNames("max by (job, instance) (a_b) == 1 unless on (job, instance) (c:d > 0)"))
                .containsExactlyInAnyOrder("a_b", "c:d");
        assertThat(metricNames("sum(rate(x_total[5m] offset 1h)) > bool 2.5e3")).containsExactly("x_total");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);   // panels inside collapsed rows
        }
        assertThat(out).isNotEmpty();
        return out;
    }

    /**
     * The series names a PromQL expression selects: identifiers that are not functions (followed by '('), keywords,
     * label names (inside {...} or a by/on/without (...) list), durations, numbers or Grafana variables.
     */
    static Set<String> metricNames(String expr) {
        String s = expr
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")                            // string literals
                .replaceAll("\\{[^}]*}", "")                                              // label matchers
                .replaceAll("\\[[^]]*]", "")                                              // ranges, subqueries
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\{?\\w+}?", " ");                                        // Grafana variables
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("\\d+(\\.\\d+)?([eE][+-]?\\d+)?(ms|[smhdwy])*|[A-Za-z_:][A-Za-z0-9_:]*").matcher(s);
        while (m.find()) {
            String token = m.group();
            if (Character.isDigit(token.charAt(0)) || PROMQL_WORDS.contains(token.toLowerCase())) {
                continue;
            }
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            if (next < s.length() && s.charAt(next) == '(') {
                continue;   // a function
            }
            names.add(token);
        }
        return names;
    }
}
