package dev.enricher.ops;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.client.ModelCatalog;
import dev.enricher.client.ModelSpec;
import dev.enricher.client.Usage;
import dev.enricher.engine.CallObserver;
import dev.enricher.engine.CircuitCause;
import dev.enricher.engine.EnrichmentEngine;
import dev.enricher.engine.EngineStats;
import dev.enricher.topology.EnrichmentPipeline;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The service's metrics on a Micrometer registry: JVM and Kafka Streams (Micrometer's binders) and the engine's own
 * (calls on the wire, calls waiting for the concurrency limit, the limit itself, pending per stream task and the
 * oldest pending age, API latency by model and outcome, responses by status, retries, dead letters by category,
 * tokens and estimated cost by model and task, calls and cost saved by stored answers, circuit).
 *
 * <p>Thread-safe; {@link #callObserver()} is called on client threads.
 */
public final class ServiceMetrics implements AutoCloseable {
    private final MeterRegistry registry;
    private final ModelCatalog catalog;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final ConcurrentHashMap<String, Timer> latencies = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> responses = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ModelMeters> models = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SavedMeters> saved = new ConcurrentHashMap<>();
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "enricher-metrics");
        t.setDaemon(true);
        return t;
    });

    public ServiceMetrics(MeterRegistry registry, ModelCatalog catalog) {
        this.registry = registry;
        this.catalog = catalog;
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** The observer to give the engine before the pipeline starts. */
    public CallObserver callObserver() {
        return new CallObserver() {
            @Override
            public void callEnded(String model, String outcome, int status, Duration latency, Usage usage) {
                ServiceMetrics.this.callEnded(model, "", outcome, status, latency, usage);
            }

            @Override
            public void callEnded(String model, String task, String outcome, int status, Duration latency,
                                  Usage usage) {
                ServiceMetrics.this.callEnded(model, task, outcome, status, latency, usage);
            }

            @Override
            public void callSaved(String model, String task, Usage usage) {
                ServiceMetrics.this.callSaved(model, task, usage);
            }
        };
    }

    private void callEnded(String model, String task, String outcome, int status, Duration latency, Usage usage) {
        latency(model, outcome).record(latency);
        responses.computeIfAbsent(model + "\u0000" + status, k -> Counter.builder("enricher.api.responses")
                .description("API answers by HTTP status (0: no HTTP answer)")
                .tags("model", model, "status", String.valueOf(status)).register(registry)).increment();
        if (usage != Usage.NONE) {
            ModelMeters m = models.computeIfAbsent(model + "\u0000" + task, k -> modelMeters(model, task));
            m.tokensIn.increment(usage.promptTokens());
            m.tokensOut.increment(usage.completionTokens());
            if (m.cost != null) {
                m.cost.increment(m.spec.costUsd(usage));
            }
        }
    }

    /** A call not made (stored answer, or an identical call in flight): counted with what it would have cost. */
    private void callSaved(String model, String task, Usage usage) {
        SavedMeters m = saved.computeIfAbsent(model + "\u0000" + task, k -> savedMeters(model, task));
        m.calls.increment();
        if (m.cost != null && usage != Usage.NONE) {
            m.cost.increment(m.spec.costUsd(usage));
        }
    }

    /**
     * Meters are looked up once per model (and outcome or status), not built on every call: this runs on the client's
     * event loops for each API answer.
     */
    private Timer latency(String model, String outcome) {
        return latencies.computeIfAbsent(model + "\u0000" + outcome, k -> Timer.builder("enricher.api.latency")
                .description("API call latency, from send to answer").tags("model", model, "outcome", outcome)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry));
    }

    private record ModelMeters(Counter tokensIn, Counter tokensOut, Counter cost, ModelSpec spec) {
    }

    private record SavedMeters(Counter calls, Counter cost, ModelSpec spec) {
    }

    /** The cost counter only for models whose prices the catalog knows (null otherwise). */
    private ModelMeters modelMeters(String model, String task) {
        ModelSpec spec = catalog.find(model).orElse(null);
        return new ModelMeters(
                Counter.builder("enricher.tokens").description("Tokens billed").baseUnit("tokens")
                        .tags("model", model, "task", task, "direction", "in").register(registry),
                Counter.builder("enricher.tokens").description("Tokens billed").baseUnit("tokens")
                        .tags("model", model, "task", task, "direction", "out").register(registry),
                spec == null ? null : Counter.builder("enricher.cost")
                        .description("Estimated cost from the model catalog's prices").baseUnit("usd")
                        .tags("model", model, "task", task).register(registry),
                spec);
    }

    private SavedMeters savedMeters(String model, String task) {
        ModelSpec spec = catalog.find(model).orElse(null);
        return new SavedMeters(
                Counter.builder("enricher.calls.saved").description("Calls not made: the answer was stored (a repeated "
                        + "text, a replay, a re-processing) or an identical call was in flight").tags("model", model,
                        "task", task).register(registry),
                spec == null ? null : Counter.builder("enricher.cost.saved")
                        .description("What the calls not made would have cost, at the model catalog's prices")
                        .baseUnit("usd").tags("model", model, "task", task).register(registry),
                spec);
    }

    /** Binds the pipeline's gauges and Kafka Streams' metrics. */
    public void bind(EnrichmentPipeline pipeline) {
        EngineStats s = pipeline.stats();
        Gauge.builder("enricher.calls.in.flight", s, EngineStats::inFlight)
                .description("API calls on the wire now").register(registry);
        Gauge.builder("enricher.calls.waiting.for.limit", s, EngineStats::waitingForLimit)
                .description("API calls ready to send, waiting for a slot under the concurrency limit (or a rate-limit "
                        + "token, or the circuit)").register(registry);
        Gauge.builder("enricher.concurrency.limit", pipeline, EnrichmentPipeline::concurrencyLimit)
                .description("Current in-flight ceiling (lowered when many of the API's answers are 429s)")
                .register(registry);
        Gauge.builder("enricher.circuit.open", pipeline,
                        p -> p.circuitOpen() && p.engine().circuitCause() != CircuitCause.BUDGET ? 1 : 0)
                .description("1 while the circuit is open for a fault (the API refuses the service, or is down): "
                        + "processing paused, the API probed").register(registry);
        Gauge.builder("enricher.budget.paused", pipeline,
                        p -> p.circuitOpen() && p.engine().circuitCause() == CircuitCause.BUDGET ? 1 : 0)
                .description("1 while a spent budget holds processing paused, until its window ends").register(registry);
        Gauge.builder("enricher.budget.used", pipeline.engine(), EnrichmentEngine::budgetUsed).baseUnit("ratio")
                .description("Share of its budget this instance has spent in the current window (the larger of hour "
                        + "and day); 1 pauses it; 0 without a budget").register(registry);
        Gauge.builder("enricher.budget.spent", pipeline.engine(), EnrichmentEngine::spentThisHourUsd).baseUnit("usd")
                .tags("window", "hour").description("Spent in the current UTC window (with a budget set)")
                .register(registry);
        Gauge.builder("enricher.budget.spent", pipeline.engine(), EnrichmentEngine::spentTodayUsd).baseUnit("usd")
                .tags("window", "day").description("Spent in the current UTC window (with a budget set)")
                .register(registry);
        Gauge.builder("enricher.parked.events", s, EngineStats::parked)
                .description("Events waiting in the store for a pending slot").register(registry);
        FunctionCounter.builder("enricher.retries", s, EngineStats::retries)
                .description("Retries scheduled after transient failures").register(registry);
        FunctionCounter.builder("enricher.answer.repairs", s, EngineStats::repairs)
                .description("Answers refused by their task (not the JSON Schema asked for) and sent back for repair")
                .register(registry);
        FunctionCounter.builder("enricher.skipped.tasks", s, EngineStats::skippedTasks)
                .description("Tasks not run on an event because their condition (when:) was false: no call, no cost")
                .register(registry);
        FunctionCounter.builder("enricher.long.inputs", s, EngineStats::chunkedInputs).tag("handling", "chunked")
                .description("Task inputs over their model's input limit, sent in pieces or cut to their head")
                .register(registry);
        FunctionCounter.builder("enricher.long.inputs", s, EngineStats::truncatedInputs).tag("handling", "truncated")
                .description("Task inputs over their model's input limit, sent in pieces or cut to their head")
                .register(registry);
        FunctionCounter.builder("enricher.fallbacks", s, EngineStats::fallbacks)
                .description("Tasks tried on their fallback model after their own failed for good").register(registry);
        FunctionCounter.builder("enricher.enriched", s, EngineStats::enriched)
                .description("Events published to the enriched topic").register(registry);
        FunctionCounter.builder("enricher.circuit.opens", s, EngineStats::circuitOpens)
                .description("How often the circuit opened").register(registry);
        for (DeadLetterCategory c : DeadLetterCategory.values()) {
            FunctionCounter.builder("enricher.dead.letters", s, st -> st.deadLettered(c))
                    .description("Dead letters by category").tags("category", c.name()).register(registry);
        }
        bindPending(s, pipeline.engine().config().clock());
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(pipeline.streams());
        streamsMetrics.bindTo(registry);
        closeables.add(streamsMetrics);
    }

    /**
     * The gauges of each stream task's pending events and of the age of its oldest one. Their values are read when
     * scraped, the age against {@code clock}: the clock the engine stamps admissions with. The set of stream tasks is
     * refreshed every second, as tasks come and go with rebalances.
     */
    public void bindPending(EngineStats s, Clock clock) {
        MultiGauge pending = MultiGauge.builder("enricher.pending.events")
                .description("Events held between input and output, per stream task").register(registry);
        MultiGauge oldest = MultiGauge.builder("enricher.oldest.pending.age").baseUnit("seconds")
                .description("Age of the oldest pending event, per stream task").register(registry);
        refresher.scheduleAtFixedRate(() -> refresh(s, clock, pending, oldest), 0, 1, TimeUnit.SECONDS);
    }

    private static void refresh(EngineStats s, Clock clock, MultiGauge pending, MultiGauge oldest) {
        try {
            List<MultiGauge.Row<?>> p = new ArrayList<>();
            List<MultiGauge.Row<?>> o = new ArrayList<>();
            for (String task : s.pendingByTask().keySet()) {
                p.add(MultiGauge.Row.of(Tags.of("task", task), task, t -> {
                    EngineStats.TaskPending tp = s.pendingByTask().get(t);
                    return tp == null ? 0 : tp.inMemory() + tp.parked();
                }));
                o.add(MultiGauge.Row.of(Tags.of("task", task), task,
                        t -> oldestAgeSeconds(s.pendingByTask().get(t), clock.millis())));
            }
            // Rows read live values: kept as they are (no remove and re-add a scrape could fall between), tasks
            // gone removed.
            pending.register(p, false);
            oldest.register(o, false);
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: one bad refresh must not freeze the gauges.
        }
    }

    /** Seconds since the oldest pending event of {@code tp} was admitted; 0 when it has none. */
    static double oldestAgeSeconds(EngineStats.TaskPending tp, long nowMillis) {
        if (tp == null || tp.oldestAdmittedAt() == 0) {
            return 0;
        }
        return Math.max(0, nowMillis - tp.oldestAdmittedAt()) / 1000.0;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // closing metrics binders never fails the shutdown
            }
        }
    }
}
