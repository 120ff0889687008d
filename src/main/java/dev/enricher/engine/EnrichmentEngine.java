package dev.enricher.engine;

import dev.enricher.client.Admission;
import dev.enricher.client.ChatTransport;
import dev.enricher.client.Scheduler;
import dev.enricher.client.Ticker;
import dev.enricher.serde.decode.InputDecoder;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.LongInput;
import dev.enricher.tasks.TaskCondition;
import dev.enricher.tasks.TaskGraph;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * One instance's engine: the dispatcher with the instance's one admission (the in-flight cap, the adaptive and rate
 * limits, the turns between stream tasks), the circuit, the counters, and the supplier of the per-stream-task
 * processors. See {@code package-info} for the design.
 *
 * <p>Thread-safe. Build one per {@code KafkaStreams} instance, give its processor supplier to the topology, then
 * {@link #instanceControl} the instance so an open circuit can pause it.
 */
public final class EnrichmentEngine implements AutoCloseable {
    /** Child name the processor forwards enriched records to. */
    public static final String ENRICHED = "enriched";
    /** Child name the processor forwards dead letters to. */
    public static final String DEAD_LETTERS = "dead-letters";
    /**
     * Child name the processor forwards accepted answers to (key: the call's content key, value: the
     * {@link dev.enricher.results.Answer}), when call results are kept: the topology's sink to the call-results topic.
     */
    public static final String CALL_RESULTS = "call-results";

    private final EngineConfig config;
    private volatile EventTracer tracer;
    private final List<EnrichmentTask> tasks;
    /** Each task's condition, by task index; null for a task that runs on every event. Set before start. */
    private volatile List<TaskCondition> conditions;
    /**
     * Each task's {@link EnrichmentTask#fingerprint()} (and the input it reads, when not the event's text), in task
     * order: computed once the graph is set, shared by every processor.
     */
    private volatile List<String> fingerprints;
    /** How the tasks depend on each other; independent until {@link #graph} is set before start. */
    private volatile TaskGraph graph;
    /** The graph's task order and dependencies, copied once: every event's pass reads them. */
    private volatile int[] order;
    private volatile int[][] dependencies;
    /** Each task's handling of long inputs with its limit, by task index; null entries send inputs whole. */
    private volatile List<LongInput> longInputs;
    /** Event attributes never given to a task (privacy). */
    private volatile Set<String> hiddenAttributes = Set.of();
    private final InputDecoder decoder;
    private final EventSink sink;
    private final EngineStats stats = new EngineStats();
    private final Scheduler scheduler;
    private final Circuit circuit;
    private final Dispatcher dispatcher;
    private final dev.enricher.client.ChatWire wire = new dev.enricher.client.ChatWire();

    /**
     * An engine that sends at most {@code config.maxInFlight()} calls at once, with no adaptive or rate limit.
     *
     * @param transport sends one attempt of a call; not closed by the engine. The engine retries (keeping attempts in
     *                  its store), so nothing below it should.
     */
    public EnrichmentEngine(EngineConfig config, List<EnrichmentTask> tasks, InputDecoder decoder, EventSink sink,
                            ChatTransport transport) {
        this(config, tasks, decoder, sink, transport, Admission.Limits.fixed(config.maxInFlight()));
    }

    /**
     * @param limits the admission's adaptive and rate limits; the in-flight cap is always the engine's
     *               {@code maxInFlight}, whatever {@code limits} says
     */
    public EnrichmentEngine(EngineConfig config, List<EnrichmentTask> tasks, InputDecoder decoder, EventSink sink,
                            ChatTransport transport, Admission.Limits limits) {
        this(config, tasks, decoder, sink, transport, limits, Ticker.system(), Scheduler.singleThread("enricher-circuit"));
    }

    /** With the time the engine's circuit and admission read and the scheduler they run on (closed with the engine). */
    EnrichmentEngine(EngineConfig config, List<EnrichmentTask> tasks, InputDecoder decoder, EventSink sink,
                     ChatTransport transport, Admission.Limits limits, Ticker ticker, Scheduler scheduler) {
        this.config = Objects.requireNonNull(config, "config");
        this.tasks = List.copyOf(tasks);
        if (this.tasks.isEmpty()) {
            throw new IllegalArgumentException("the engine needs at least one task");
        }
        graph(TaskGraph.independent(this.tasks));
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.circuit = new Circuit(config, stats, ticker, scheduler);
        this.dispatcher = new Dispatcher(Objects.requireNonNull(transport, "transport"),
                limits.withMaxInFlight(config.maxInFlight()), config.clock(), ticker, scheduler, stats, circuit);
    }

    /**
     * The processor supplier; each processor uses the pending store {@code storeName}, which the supplier declares
     * (so {@code Topology#addProcessor} connects it).
     */
    public ProcessorSupplier<byte[], byte[], byte[], byte[]> processorSupplier(String storeName) {
        return processorSupplier(storeName, java.util.Map.of());
    }

    /**
     * As {@link #processorSupplier(String)}, with topic configs for the store's changelog (for example
     * {@code max.message.bytes}: an entry holds its input value, so the changelog must take the largest input).
     */
    public ProcessorSupplier<byte[], byte[], byte[], byte[]> processorSupplier(String storeName,
                                                                              java.util.Map<String, String> changelogConfig) {
        StoreBuilder<KeyValueStore<Bytes, byte[]>> builder = storeBuilder(storeName, changelogConfig);
        return new ProcessorSupplier<>() {
            @Override
            public Processor<byte[], byte[], byte[], byte[]> get() {
                return new EnrichmentProcessor(EnrichmentEngine.this, storeName);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(builder);
            }
        };
    }

    /**
     * The changelogged, persistent pending store, behind Kafka Streams' record cache: what reaches the changelog (and
     * RocksDB) is each entry's state at a commit, not every change between two. The cache is flushed before the
     * commit of the input offsets it covers (inside the transaction under exactly_once_v2), so a restart from a
     * commit finds every entry admitted and not yet emitted before it; an entry admitted, answered and emitted within
     * one commit interval costs a single tombstone instead of two puts and a delete.
     */
    public StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String storeName) {
        return storeBuilder(storeName, java.util.Map.of());
    }

    /** The pending store with these changelog topic configs. */
    public StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String storeName,
                                                                   java.util.Map<String, String> changelogConfig) {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(storeName), Serdes.Bytes(),
                Serdes.ByteArray()).withCachingEnabled().withLoggingEnabled(changelogConfig);
    }

    /** Set once the KafkaStreams instance exists; until then an opening circuit only stops sending. */
    public void instanceControl(InstanceControl control) {
        circuit.control(Objects.requireNonNull(control, "control"));
    }

    /**
     * Set before start: the tasks' conditions by task name ({@code when:}); a task without one runs on every event.
     *
     * @throws IllegalArgumentException naming a condition whose task is not configured
     */
    public void conditions(Map<String, TaskCondition> byName) {
        List<TaskCondition> aligned = new java.util.ArrayList<>(tasks.size());
        java.util.Set<String> unknown = new java.util.HashSet<>(byName.keySet());
        for (EnrichmentTask t : tasks) {
            aligned.add(byName.get(t.name()));
            unknown.remove(t.name());
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("conditions given for tasks that are not configured: " + unknown);
        }
        this.conditions = java.util.Collections.unmodifiableList(aligned);
    }

    /**
     * Set before start: how the tasks depend on each other (inputs from other tasks' results, conditions reading
     * them). A task's fingerprint includes its input, so a task whose input changed is asked again after a restore.
     *
     * @throws IllegalArgumentException when the graph is of other tasks
     */
    public void graph(TaskGraph g) {
        if (g.size() != tasks.size()) {
            throw new IllegalArgumentException("the graph has " + g.size() + " tasks, the engine " + tasks.size());
        }
        int[][] deps = new int[g.size()][];
        for (int i = 0; i < deps.length; i++) {
            deps[i] = g.dependencies(i);
        }
        this.dependencies = deps;
        this.order = g.order();
        this.graph = g;
        fingerprint();
    }

    /** Every task once, each after those it depends on. Not to be modified. */
    int[] order() {
        return order;
    }

    /** The tasks task {@code i} depends on. Not to be modified. */
    int[] dependencies(int i) {
        return dependencies[i];
    }

    /**
     * Set before start: what each task does with an input over its limit, by task name, each with the limit in
     * tokens ({@link LongInput#maxInputTokens()}: the task's own, or its model's from the catalog); a task absent, or
     * with no limit, sends every input whole. Not part of a task's fingerprint: stored answers of pieces keep the
     * pieces' offsets, and answers of pieces another setting would cut differently are asked again.
     *
     * @throws IllegalArgumentException naming a task that is not configured
     */
    public void longInputs(Map<String, LongInput> byName) {
        List<LongInput> aligned = new java.util.ArrayList<>(tasks.size());
        java.util.Set<String> unknown = new java.util.HashSet<>(byName.keySet());
        for (EnrichmentTask t : tasks) {
            LongInput l = byName.get(t.name());
            aligned.add(l == null || l.maxInputTokens() == null ? null : l);
            unknown.remove(t.name());
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("long-input handling given for tasks that are not configured: " + unknown);
        }
        this.longInputs = java.util.Collections.unmodifiableList(aligned);
    }

    /** Set before start: event attributes never given to a task (they may still be read by conditions). */
    public void hiddenAttributes(Set<String> names) {
        this.hiddenAttributes = Set.copyOf(names);
    }

    Set<String> hiddenAttributes() {
        return hiddenAttributes;
    }

    /** Task {@code i}'s long-input handling with its limit; null when it sends every input whole. */
    LongInput longInput(int i) {
        List<LongInput> l = longInputs;
        return l == null ? null : l.get(i);
    }

    private void fingerprint() {
        List<String> prints = new java.util.ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            TaskGraph.Input in = graph == null ? null : graph.input(i);
            prints.add(tasks.get(i).fingerprint() + (in == null ? "" : "|input=" + in.ref()));
        }
        this.fingerprints = List.copyOf(prints);
    }

    TaskGraph graph() {
        return graph;
    }

    /** Task {@code i}'s condition; null when it runs on every event. */
    TaskCondition condition(int i) {
        List<TaskCondition> c = conditions;
        return c == null ? null : c.get(i);
    }

    /**
     * Set before start: keep every accepted answer under its content key and look there before calling. The processor
     * then forwards each answer it accepts to {@link #CALL_RESULTS}, which the topology must connect to the topic
     * {@code results} is read from. Null (the default): every call is made.
     */
    public void callResults(dev.enricher.results.CallResults results) {
        dispatcher.results(results);
    }

    /**
     * Set before start: what this instance may spend per UTC hour and day, priced at {@code catalog}'s prices. When a
     * window's spend reaches its budget the circuit opens with cause {@link CircuitCause#BUDGET} (nothing sent, the
     * instance paused, nothing dead-lettered) until the window ends.
     */
    public void budget(BudgetSettings settings, dev.enricher.client.ModelCatalog catalog) {
        dispatcher.budget(settings.any() ? new SpendBudget(settings.usdPerHour(), settings.usdPerDay()) : null,
                catalog);
    }

    /**
     * The share of its budget this instance has spent in the current window, the larger of hour and day (1 = spent);
     * 0 without a budget.
     */
    public double budgetUsed() {
        SpendBudget b = dispatcher.budget();
        return b == null ? 0 : b.usedFraction(config.clock().millis());
    }

    /** US dollars spent since the start of the current UTC hour (counted only with a budget set). */
    public double spentThisHourUsd() {
        SpendBudget b = dispatcher.budget();
        return b == null ? 0 : b.spentThisHour(config.clock().millis());
    }

    /** US dollars spent since the start of the current UTC day (counted only with a budget set). */
    public double spentTodayUsd() {
        SpendBudget b = dispatcher.budget();
        return b == null ? 0 : b.spentToday(config.clock().millis());
    }

    /** Why the circuit is open; null when closed. */
    public CircuitCause circuitCause() {
        return circuit.cause();
    }

    /** Whether answers are kept and looked up. */
    public boolean keepsResults() {
        return dispatcher.results() != null;
    }

    /** Writes request bodies (for the calls' content keys). */
    dev.enricher.client.ChatWire wire() {
        return wire;
    }

    /** Set before start: where each event's way through the engine is traced; null (the default) for none. */
    public void tracer(EventTracer t) {
        this.tracer = t;
    }

    /** The tracer; null when tracing is off. */
    EventTracer tracer() {
        return tracer;
    }

    /** Set before start: told about every API call (metrics). */
    public void callObserver(CallObserver observer) {
        dispatcher.observer(java.util.Objects.requireNonNull(observer, "observer"));
    }

    public EngineStats stats() {
        return stats;
    }

    public CircuitState circuitState() {
        return circuit.state();
    }

    /** The current in-flight ceiling: lowered by 429 storms when adaptive, never above {@code maxInFlight}. */
    public int concurrencyLimit() {
        return dispatcher.concurrencyLimit();
    }

    /** Why the circuit is open, for logs and health endpoints; null when closed. */
    public String circuitReason() {
        return circuit.reason();
    }

    public EngineConfig config() {
        return config;
    }

    List<EnrichmentTask> tasks() {
        return tasks;
    }

    /** Each task's fingerprint, in task order. */
    List<String> fingerprints() {
        return fingerprints;
    }

    InputDecoder decoder() {
        return decoder;
    }

    EventSink sink() {
        return sink;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    /** Stops the circuit's probes and the admission's timers. The transport is the caller's. */
    @Override
    public void close() {
        scheduler.close();
    }
}
