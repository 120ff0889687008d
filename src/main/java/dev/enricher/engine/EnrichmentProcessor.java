package dev.enricher.engine;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.Disposition;
import dev.enricher.client.FailureKind;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.engine.avro.PendingEntry;
import dev.enricher.results.CallKey;
import dev.enricher.serde.SerdeException;
import dev.enricher.serde.decode.DecodeException;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.PromptTemplate;
import dev.enricher.tasks.RefusedAnswer;
import dev.enricher.tasks.LongInput;
import dev.enricher.tasks.LongInputs;
import dev.enricher.tasks.PieceMerge;
import dev.enricher.tasks.TaskCondition;
import dev.enricher.tasks.TextPiece;
import dev.enricher.tasks.TaskGraph;
import dev.enricher.tasks.TaskInput;
import dev.enricher.tasks.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The async processor of one stream task (see {@code package-info} for the design). Every method runs on the stream
 * thread that owns the task; client threads only reach it through its {@link Lane}.
 */
final class EnrichmentProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(EnrichmentProcessor.class);
    private static final long REGISTRY_RETRY_MILLIS = 5_000;
    private static final long WAIT_SLICE_NANOS = 2_000_000;
    /** The W3C trace-context header outputs carry when tracing is on. */
    static final String TRACEPARENT = "traceparent";
    /**
     * Time spent waiting for capacity in the current processing pass of this stream thread, reset by the wall-clock
     * punctuator that runs after each pass: a pass of many records cannot add up waits to the transaction timeout.
     */
    private static final ThreadLocal<long[]> PASS_WAIT = ThreadLocal.withInitial(() -> new long[1]);

    private final EnrichmentEngine engine;
    private final String storeName;
    private final List<EnrichmentTask> tasks;
    private final List<String> taskNames;
    /** Each task's {@link EnrichmentTask#fingerprint()}, in task order. */
    private final List<String> fingerprints;
    private final int cap;
    private final long maxWaitNanos;
    private final EngineStats stats;
    /** Admitted events held in memory, by sequence number: active ones and finished ones waiting for their turn. */
    private final Map<Long, PendingEvent> inMemory = new HashMap<>();
    /** Admitted over the cap: in the store only, promoted in admission order as slots free. */
    private final LongArrayQueue parked = new LongArrayQueue();
    private final RetryTimers timers = new RetryTimers();
    private final RetryTimers.Due onTimer = this::timerDue;
    /** Sequence numbers in admission order, removed lazily: the head is the oldest pending event. */
    private final LongArrayQueue admissionOrder = new LongArrayQueue();
    private final LongConsumer emitter = this::emit;
    private final LogBudget warnings = new LogBudget(20, 60_000, LOG, "task failures");
    /** Null when tracing is off: then nothing below touches traces. */
    private final EventTracer tracer;
    /** The traces of parked events (in the store only), by sequence number; empty when tracing is off. */
    private final Map<Long, EventTracer.EventTrace> parkedTraces = new HashMap<>();

    private ProcessorContext<byte[], byte[]> context;
    private PendingStore store;
    private Lane lane;
    private EmissionQueue queue;
    private long nextSeq;

    EnrichmentProcessor(EnrichmentEngine engine, String storeName) {
        this.engine = engine;
        this.storeName = storeName;
        this.tasks = engine.tasks();
        List<String> names = new ArrayList<>(tasks.size());
        for (EnrichmentTask t : tasks) {
            names.add(t.name());
        }
        this.taskNames = List.copyOf(names);
        this.fingerprints = engine.fingerprints();
        this.cap = engine.config().maxPendingPerTask();
        this.maxWaitNanos = engine.config().maxAdmissionWait().toNanos();
        this.stats = engine.stats();
        this.tracer = engine.tracer();
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> ctx) {
        this.context = ctx;
        this.store = new PendingStore(ctx.getStateStore(storeName));
        this.queue = engine.config().ordering().newQueue();
        this.lane = engine.dispatcher().openLane(ctx.taskId().toString());
        restore();
        ctx.schedule(engine.config().drainInterval(), PunctuationType.WALL_CLOCK_TIME, ts -> punctuate());
    }

    /**
     * Rebuilds the queues from the restored store and re-sends what was outstanding. Reads only: no writes in init.
     * Nothing an entry holds makes it throw: task states are matched to the configured tasks by name and fingerprint
     * ({@link PendingEvent#reconcile}), and an entry this version cannot read is dead-lettered.
     */
    private void restore() {
        int[] changed = new int[1];
        String[] example = new String[1];
        store.forEach((seq, entry) -> {
            String change = reconcile(seq, entry);
            if (change != null && changed[0]++ == 0) {
                example[0] = change;
            }
            restored(seq, entry);
        }, u -> restored(u.seq(), unreadable(u)));
        int restored = queue.size();
        if (restored > 0) {
            LOG.info("Task {}: restored {} pending events from the store ({} in memory, {} parked); re-sending their "
                    + "outstanding calls", context.taskId(), restored, inMemory.size(), parked.size());
        }
        if (changed[0] > 0) {
            LOG.info("Task {}: the task list changed since {} of the restored events were stored; their results are "
                    + "matched by task name and fingerprint (for example: {})", context.taskId(), changed[0], example[0]);
        }
    }

    private void restored(long seq, PendingEntry entry) {
        nextSeq = seq + 1;
        PendingEvent e = new PendingEvent(seq, entry);
        e.stored = true;
        if (tracer != null) {
            resumeTrace(e);
        }
        queue.add(seq, e.keyBytes());
        admissionOrder.add(seq);
        stats.onAdmitted();
        if (e.failedBeforeTasks() || inMemory.size() < cap) {
            activate(e, true);
        } else {
            park(e);
        }
    }

    /**
     * Matches the entry's task states to the configured tasks; an entry that cannot be matched (never expected) is
     * marked to leave as a dead letter naming why.
     *
     * @return what changed, for a person; null when nothing did
     */
    private String reconcile(long seq, PendingEntry entry) {
        try {
            return PendingEvent.reconcile(entry, taskNames, fingerprints);
        } catch (RuntimeException ex) {
            entry.setFailure(PendingEvent.store(Failure.of(DeadLetterCategory.INTERNAL, "the pending entry of "
                    + entry.getTopic() + "-" + entry.getPartition() + "@" + entry.getOffset() + " could not be matched "
                    + "to the configured tasks " + taskNames + " after a configuration change: " + ex,
                    ex.getClass().getName(), ex.getMessage())));
            return "event " + seq + " could not be matched and is dead-lettered";
        }
    }

    /** An entry no known schema reads, as an event that leaves as a dead letter in its turn. */
    private PendingEntry unreadable(PendingStore.Unreadable u) {
        PendingEntry entry = u.salvaged();
        String source;
        if (entry == null) {
            // Not even the input reads: leave a trace of where it was, so an operator can re-read the partition.
            entry = PendingEntry.newBuilder().setKey(null).setValue(null).setHeaders(List.of()).setTimestamp(now())
                    .setTopic("(unknown)").setPartition(context.taskId().partition())
                    .setOffset(-1).setAdmittedAt(now()).setTasks(List.of()).build();
            source = "its input cannot be recovered from it either: re-read partition " + context.taskId().partition()
                    + " of the input topics around the last committed offset";
        } else {
            source = "its input is kept in this dead letter for replay";
        }
        LOG.error("Task {}: pending event {} is stored in a form this version cannot read ({}); it is dead-lettered, "
                + "and {}", context.taskId(), u.seq(), u.reason(), source);
        entry.setFailure(PendingEvent.store(Failure.of(DeadLetterCategory.INTERNAL, "the pending store held this "
                + "event in a form this version cannot read (written by a newer version before a rollback?): "
                + u.reason() + "; " + source, PendingStore.Unreadable.class.getName(), u.reason())));
        return entry;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        long now = now();
        drainCompletions();
        fireTimers(now);
        if (inMemory.size() >= cap) {
            awaitCapacity();
        }
        InputRecord in = input(record);
        long seq = nextSeq++;
        PendingEvent e = PendingEvent.admit(seq, in, taskNames, fingerprints, now());
        if (tracer != null) {
            e.trace = tracer.admitted(in, taskNames);
            e.entry.setTrace(e.trace.traceparent());
        }
        stats.onAdmitted();
        queue.add(seq, in.key());
        admissionOrder.add(seq);
        if (inMemory.size() < cap) {
            activate(e, false);
        } else {
            store.put(e);
            park(e);
        }
        queue.drainReady(emitter);
    }

    private void punctuate() {
        PASS_WAIT.get()[0] = 0;
        drainCompletions();
        fireTimers(now());
        queue.drainReady(emitter);
        publishPending();
    }

    private void publishPending() {
        while (!admissionOrder.isEmpty() && !inMemory.containsKey(admissionOrder.peek())
                && (parked.isEmpty() || admissionOrder.peek() < parked.peek())) {
            admissionOrder.poll();
        }
        PendingEvent oldest = admissionOrder.isEmpty() ? null : inMemory.get(admissionOrder.peek());
        stats.taskPending(context.taskId().toString(), new EngineStats.TaskPending(inMemory.size(), parked.size(),
                oldest == null ? 0 : oldest.admittedAt()));
    }

    private InputRecord input(Record<byte[], byte[]> record) {
        RecordMetadata m = context.recordMetadata().orElseThrow(() ->
                new IllegalStateException("a record without metadata reached the engine"));
        List<InputRecord.Header> headers = new ArrayList<>();
        for (Header h : record.headers()) {
            headers.add(new InputRecord.Header(h.key(), h.value()));
        }
        return new InputRecord(record.key(), record.value(), headers, record.timestamp(), m.topic(), m.partition(),
                m.offset());
    }

    /**
     * Waits (bounded) for an in-memory slot, handling finished calls meanwhile. Bounded by the per-call wait and by
     * what this stream thread has already waited in this pass, so the pass stays far below the transaction timeout
     * and {@code max.poll.interval.ms}. When it runs out, the record is parked in the store.
     */
    private void awaitCapacity() {
        long[] passWait = PASS_WAIT.get();
        long budget = Math.min(maxWaitNanos, 2 * maxWaitNanos - passWait[0]);
        if (budget <= 0) {
            return;
        }
        long start = System.nanoTime();
        lane.waiter = Thread.currentThread();
        try {
            while (inMemory.size() >= cap) {
                long left = budget - (System.nanoTime() - start);
                if (left <= 0) {
                    break;
                }
                LockSupport.parkNanos(Math.min(left, WAIT_SLICE_NANOS));
                drainCompletions();
                fireTimers(now());
                queue.drainReady(emitter);
            }
        } finally {
            lane.waiter = null;
            long spent = System.nanoTime() - start;
            passWait[0] += spent;
            stats.waited(spent);
        }
    }

    private void park(PendingEvent e) {
        parked.add(e.seq);
        stats.parkedChanged(1);
        if (e.trace != null) {
            parkedTraces.put(e.seq, e.trace);
        }
    }

    /**
     * Goes on with the trace of an event taken up from the store by this owner of its task: under the span its entry
     * names (a span of an earlier owner), or a new trace for an entry written with tracing off.
     */
    private void resumeTrace(PendingEvent e) {
        e.trace = tracer.resumed(e.input(), taskNames, e.entry.getTrace());
        e.entry.setTrace(e.trace.traceparent());
    }

    /** Takes an event into memory: decodes it, persists it (before any call goes out) and sends its calls. */
    private void activate(PendingEvent e, boolean restoring) {
        inMemory.put(e.seq, e);
        stats.pendingChanged(1, inMemory.size());
        if (e.failedBeforeTasks()) {
            e.failure = e.storedEventFailure();
            finish(e, false);
            return;
        }
        if (!decode(e)) {
            return;
        }
        if (!e.stored) {
            store.put(e);
        }
        startTasks(e, restoring);
    }

    /** Decodes the event's value; false when it failed (finished as a dead letter, or a decode retry is due). */
    private boolean decode(PendingEvent e) {
        try {
            e.event = engine.decoder().decode(e.topic(), e.value());
            return true;
        } catch (DecodeException ex) {
            if (!ex.recordAtFault()) {
                LOG.warn("Cannot decode {} now, retrying in {} ms: {}", e.coordinates(), REGISTRY_RETRY_MILLIS,
                        ex.getMessage());
                timers.schedule(now() + REGISTRY_RETRY_MILLIS, e.seq, RetryTimers.DECODE);
                return false;
            }
            e.failedBeforeTasks(Failures.decoding(ex));
            finish(e, true);
            return false;
        }
    }

    private void startTasks(PendingEvent e, boolean restoring) {
        reparseSucceeded(e);
        if (failedForGood(e)) {
            // Restored after one task failed for good while it waited for its turn: nothing more to send.
            finish(e, false);
            return;
        }
        advance(e, restoring);
        if (!e.finished && (e.allTasksEnded() || failedForGood(e))) {
            finish(e, false);
        }
    }

    /**
     * Moves the event's task graph on: in dependency order, every outstanding task not yet started whose
     * dependencies all ended is decided. A dependency skipped skips it; a dependency failed fails it; all succeeded:
     * its condition is evaluated (before its first call), then its call goes out (or its retry is scheduled). Nothing
     * is written here: the caller stores or finishes the event.
     */
    private void advance(PendingEvent e, boolean restoring) {
        TaskGraph graph = engine.graph();
        long now = now();
        for (int i : engine.order()) {
            if (e.finished || failedForGood(e)) {
                return; // a task failed on this event, and that ended it
            }
            if (!e.outstanding(i) || e.isStarted(i) || !dependenciesDecided(e, i, graph)) {
                continue;
            }
            if (e.attempts(i) == 0 && skippedByCondition(e, i)) {
                continue;
            }
            if (e.outstanding(i)) {
                Long next = e.nextAttemptAt(i);
                e.started(i);
                if (next != null && next > now) {
                    timers.schedule(next, e.seq, i);
                } else {
                    if (restoring) {
                        stats.resentOne();
                    }
                    send(e, i);
                }
            }
        }
    }

    /**
     * True when task {@code i} may be decided: every task it depends on ended. When one was skipped, task {@code i}
     * is skipped; when one failed, it fails; when its input text is empty, it is skipped (nothing to ask about).
     */
    private boolean dependenciesDecided(PendingEvent e, int i, TaskGraph graph) {
        for (int d : engine.dependencies(i)) {
            if (e.skipped(d)) {
                e.skip(i, "task '" + tasks.get(d).name() + "', which it depends on, was skipped: " + e.skipReason(d));
                stats.skippedOne();
                return false;
            }
            if (e.failed(d)) {
                e.failed(i, Failures.dependencyFailed(tasks.get(i), tasks.get(d).name(), e.failure(d, tasks.get(d))));
                return false;
            }
            if (!e.succeeded(d)) {
                return false;
            }
        }
        String text = inputText(e, i);
        if (text == null || text.isBlank()) {
            e.skip(i, "its input " + graph.input(i).ref() + " is empty on this event");
            stats.skippedOne();
            return false;
        }
        return true;
    }

    /**
     * Task {@code i}'s input text: the event's text, or the field of the result it reads; null while that result is
     * not there (or holds no text).
     */
    private String inputText(PendingEvent e, int i) {
        String known = e.inputText(i);
        if (known != null) {
            return known;
        }
        TaskGraph graph = engine.graph();
        TaskGraph.Input in = graph.input(i);
        String text;
        if (in == null) {
            text = e.event.text();
        } else {
            TaskResult upstream = e.results[in.task()];
            text = upstream == null ? null : graph.inputText(i, upstream);
        }
        e.inputText(i, text);
        return text;
    }

    /**
     * Parses the stored answer of every succeeded task again (after a restore), in dependency order, against the text
     * it was asked about (its input, or its pieces'). An answer the task refuses now (a version with stricter checks
     * than the one that stored it, such as span offsets checked against the text) fails its task for good with the
     * reason, as it would have when it came in: never an exception while the processor starts.
     */
    private void reparseSucceeded(PendingEvent e) {
        for (int i : engine.order()) {
            if (!e.succeeded(i)) {
                continue;
            }
            EnrichmentTask task = tasks.get(i);
            try {
                if (inputText(e, i) == null) {
                    throw new IllegalStateException("the result it read its input from is no longer accepted after a "
                            + "restart");
                }
                LongInputs.Plan plan = plan(e, i);
                if (!e.succeeded(i)) {
                    continue; // its answers were to pieces cut otherwise: it starts over
                }
                e.results[i] = chunked(plan) ? merged(e, i, plan) : result(e, i, e.storedCompletion(i));
            } catch (ZeroGpuException ex) {
                e.failed(i, Failures.recordError(task, ex));
            } catch (RuntimeException ex) {
                e.failed(i, Failure.of(DeadLetterCategory.INTERNAL, "task '" + task.name() + "': its stored answer "
                        + "cannot be used after a restart: " + ex.getMessage(), ex.getClass().getName(),
                        ex.getMessage()));
            }
        }
    }

    /**
     * Task {@code i}'s result from {@code last}, the answer to its current call: parsed against the text that call
     * was about; for a chunked input, merged with the stored answers of the pieces before it.
     *
     * @throws ZeroGpuException when an answer does not have the task's shape
     */
    private TaskResult result(PendingEvent e, int i, ChatCompletion last) {
        return tasks.get(i).parse(last, requestText(e, i));
    }

    /**
     * Task {@code i}'s result from the stored answers to the pieces of its chunked input, each parsed against its
     * piece, merged over the whole input (spans mapped back to it).
     *
     * @throws ZeroGpuException when an answer does not have the task's shape
     */
    private TaskResult merged(PendingEvent e, int i, LongInputs.Plan plan) {
        EnrichmentTask task = tasks.get(i);
        List<TextPiece> pieces = plan.pieces();
        List<TaskResult> all = new ArrayList<>(pieces.size());
        for (int k = 0; k < pieces.size(); k++) {
            all.add(task.parse(e.storedPiece(i, k), pieces.get(k).text()));
        }
        return PieceMerge.merge(all, pieces, inputText(e, i));
    }

    /** Whether {@code plan} sends the input in several pieces. */
    private static boolean chunked(LongInputs.Plan plan) {
        return plan != null && plan.mode() == LongInput.Mode.CHUNK && plan.pieces().size() > 1;
    }

    /**
     * Task {@code i}'s plan for its input (planned once per event in memory); null when it is sent whole. Stored
     * answers to pieces the plan does not cut the same way (another limit since) are dropped: the task starts over.
     */
    private LongInputs.Plan plan(PendingEvent e, int i) {
        if (!e.planned(i)) {
            LongInput limit = engine.longInput(i);
            LongInputs.Plan plan = limit == null ? null : LongInputs.plan(tasks.get(i),
                    taskInput(e, i, inputText(e, i)), limit.mode(), limit.maxInputTokens());
            e.plan(i, plan);
            if (plan != null) {
                stats.longInput(plan.mode() == LongInput.Mode.CHUNK);
            }
            if (e.startOverUnlessPiecesMatch(i, plan)) {
                LOG.info("{} task '{}': its stored answers are to pieces of its long input cut otherwise than now "
                        + "(the limit changed?); it is asked again", e.coordinates(), tasks.get(i).name());
            }
        }
        return e.plan(i);
    }

    /** The text task {@code i}'s call is about when not chunked: its input, or its head. */
    private String requestText(PendingEvent e, int i) {
        LongInputs.Plan plan = plan(e, i);
        return plan == null ? inputText(e, i) : plan.pieces().get(0).text();
    }

    /** What task {@code i} is asked about: {@code text}, the event's id, its attributes but the hidden ones. */
    private TaskInput taskInput(PendingEvent e, int i, String text) {
        Map<String, String> attributes = e.event.attributes();
        if (!engine.hiddenAttributes().isEmpty() && attributes != null) {
            attributes = new HashMap<>(attributes);
            attributes.keySet().removeAll(engine.hiddenAttributes());
        }
        return new TaskInput(text, e.event.id(), attributes);
    }

    /**
     * Evaluates task {@code i}'s condition on the event (and the results it reads) before its first call (again after
     * a restore: the same event and results give the same answer, so nothing is stored). False: the task is skipped,
     * with no call. A condition that fails on the event fails the task (VALIDATION), naming why.
     *
     * @return true when the task is not to be sent (skipped, or failed)
     */
    private boolean skippedByCondition(PendingEvent e, int i) {
        TaskCondition condition = engine.condition(i);
        if (condition == null) {
            return false;
        }
        boolean run;
        try {
            run = condition.test(e.conditionInput(condition, tasks));
        } catch (TaskCondition.ConditionFailedException ex) {
            e.failed(i, Failures.conditionFailed(tasks.get(i), ex));
            logFailure(e, i, Failures.conditionFailed(tasks.get(i), ex));
            return true;
        }
        if (!run) {
            e.skip(i, "its condition is false for this event (when: " + condition.expression() + ")");
            stats.skippedOne();
        }
        return !run;
    }

    private void send(PendingEvent e, int i) {
        EnrichmentTask task = tasks.get(i);
        ChatRequest request;
        try {
            if (chunked(plan(e, i))) {
                sendPieces(e, i);
                return;
            }
            TaskInput input = taskInput(e, i, requestText(e, i));
            List<RefusedAnswer> refused = e.refused(i);
            request = refused.isEmpty() ? task.request(input) : task.request(input, refused);
            if (e.onFallback(i)) {
                request = request.withModel(task.fallbackModel());
            }
        } catch (PromptTemplate.MissingPlaceholderException ex) {
            failTask(e, i, Failures.missingInput(task, ex));
            return;
        } catch (RuntimeException ex) {
            failTask(e, i, Failures.taskBug(task, ex));
            return;
        }
        engine.dispatcher().submit(call(e, i, -1, request));
    }

    /**
     * The call of task {@code i}'s request for event {@code e} ({@code piece} -1 for the whole input), with its content
     * key when answers are kept: the model, the task's fingerprint and the exact body, so only the same question of
     * the same task finds a stored answer.
     */
    private Call call(PendingEvent e, int i, int piece, ChatRequest request) {
        CallKey key = null;
        byte[] body = null;
        if (engine.keepsResults()) {
            try {
                body = engine.wire().requestBody(request);
                key = CallKey.of(request.model(), fingerprints.get(i), body);
            } catch (java.io.IOException | RuntimeException ex) {
                // Not writable as JSON: the transport will say so for this call; it just is not looked up.
                body = null;
            }
        }
        EventTracer.CallTrace trace = null;
        if (e.trace != null) {
            int before = piece < 0 ? e.attempts(i) : e.pieceCalls(i).attempts(piece);
            trace = e.trace.call(taskNames.get(i), request.model(), piece, before);
        }
        return new Call(lane, e.seq, i, piece, request, taskNames.get(i), key, body, trace);
    }

    /**
     * Sends every piece of task {@code i}'s chunked input that waits for nothing (not answered, not in flight, no
     * retry pending), all at once: the admission's in-flight cap paces them with every other call.
     */
    private void sendPieces(PendingEvent e, int i) {
        LongInputs.Plan plan = plan(e, i);
        PieceCalls calls = e.pieceCalls(i);
        if (calls == null) {
            calls = new PieceCalls(plan.pieces().size());
            e.pieceCalls(i, calls);
        }
        for (int k = 0; k < calls.size(); k++) {
            if (calls.sendable(k)) {
                sendPiece(e, i, k);
            }
        }
    }

    private void sendPiece(PendingEvent e, int i, int k) {
        TextPiece piece = plan(e, i).pieces().get(k);
        ChatRequest request = tasks.get(i).request(taskInput(e, i, piece.text()));
        e.pieceCalls(i).sent(k);
        engine.dispatcher().submit(call(e, i, k, request));
    }

    private void drainCompletions() {
        Completion c;
        while ((c = lane.completions.poll()) != null) {
            completed(c);
        }
    }

    private void completed(Completion c) {
        PendingEvent e = inMemory.get(c.seq());
        int i = c.taskIndex();
        if (e == null || e.finished || !e.outstanding(i)) {
            stats.staleCompletion();
            recordUnclaimed(c);
            return;
        }
        if (c.piece() >= 0) {
            pieceCompleted(e, i, c);
            return;
        }
        if (c.error() != null && c.error().disposition() == Disposition.OPERATOR) {
            // The dispatcher holds OPERATOR errors back, unanswered; one that slipped through is not an attempt either.
            send(e, i);
            return;
        }
        EnrichmentTask task = tasks.get(i);
        int attempts = e.attemptEnded(i, c.sentAt(), c.endedAt());
        if (c.error() == null) {
            succeeded(e, i, task, c);
            return;
        }
        ZeroGpuException x = c.error().withAttempts(attempts);
        e.requestId(i, x.requestId());
        if (x.disposition() == Disposition.RECORD) {
            if (x.modelUnavailable() && mayFallBack(e, i, task)) {
                fallBack(e, i, task, x);
                return;
            }
            failTask(e, i, onModel(Failures.recordError(task, x), e, i, task));
        } else {
            retryOrGiveUp(e, i, task, x, attempts);
        }
    }

    private void succeeded(PendingEvent e, int i, EnrichmentTask task, Completion c) {
        ChatCompletion completion = c.completion();
        TaskResult result;
        try {
            result = result(e, i, completion);
        } catch (ZeroGpuException ex) {
            engine.dispatcher().refused(c.key());
            int refusals = e.refused(i).size();
            if (ex.kind() == FailureKind.UNPARSEABLE_CONTENT && refusals < task.repairs()) {
                // Sent back with what was wrong; this answer's call stays accounted for (it was paid).
                LOG.debug("{} task '{}': answer refused ({}), asking for repair {} of {}", e.coordinates(),
                        task.name(), ex.getMessage(), refusals + 1, task.repairs());
                e.answerRefused(i, completion, ex.getMessage(), e.model(task, i), c.cached());
                stats.repairAsked();
                store.put(e);
                send(e, i);
                return;
            }
            Failure f = Failures.recordError(task, ex.toBuilder().requestId(completion.requestId()).build());
            if (refusals > 0) {
                f = f.withReason(f.reason() + " (after " + refusals + " repair" + (refusals == 1 ? "" : "s")
                        + " asked with the validator's words)");
            }
            failTask(e, i, onModel(f, e, i, task));
            return;
        }
        e.succeeded(i, completion, result, c.cached());
        record(c);
        taskEnded(e);
    }

    /**
     * An answer that came after its event had ended (dead-lettered when another task failed) was paid for all the same:
     * recorded when it has the task's shape, so a replay of that dead letter does not pay for it again. Answers to
     * pieces of a long input are not: their shape can only be checked against their piece's text.
     */
    private void recordUnclaimed(Completion c) {
        if (c.answer() == null || c.piece() >= 0) {
            return;
        }
        try {
            tasks.get(c.taskIndex()).parse(c.completion());
        } catch (RuntimeException ex) {
            engine.dispatcher().refused(c.key());
            return;
        }
        record(c);
    }

    /**
     * Records an accepted answer this event paid for under its content key, in the call-results topic: forwarded now,
     * it commits in the transaction that stores the answer in the pending store.
     */
    private void record(Completion c) {
        if (c.answer() == null || c.key() == null || !engine.keepsResults()) {
            return;
        }
        context.forward(new Record<>(c.key().bytes(), c.answer().encode(), c.answer().storedAt()),
                EnrichmentEngine.CALL_RESULTS);
    }

    /**
     * One attempt of piece {@code c.piece()} of task {@code i}'s chunked input ended. An answer is checked against its
     * piece and kept (it was paid); once every piece is answered, the answers are merged into the task's result. A
     * RECORD error, or retries run out, fails the task naming the piece; a TRANSIENT one retries that piece alone.
     */
    private void pieceCompleted(PendingEvent e, int i, Completion c) {
        int k = c.piece();
        PieceCalls calls = e.pieceCalls(i);
        if (calls == null || k >= calls.size() || !calls.inFlight(k)) {
            stats.staleCompletion();
            return;
        }
        if (c.error() != null && c.error().disposition() == Disposition.OPERATOR) {
            calls.notSent(k);
            sendPiece(e, i, k);
            return;
        }
        EnrichmentTask task = tasks.get(i);
        LongInputs.Plan plan = plan(e, i);
        TextPiece piece = plan.pieces().get(k);
        int attempts = calls.attemptEnded(k, c.sentAt(), c.endedAt());
        if (c.error() == null) {
            try {
                try {
                    task.parse(c.completion(), piece.text()); // refused now, not after the last piece
                } catch (ZeroGpuException ex) {
                    engine.dispatcher().refused(c.key());
                    throw ex;
                }
                calls.markAnswered(k);
                e.pieceAnswered(i, k, piece.start(), piece.end(), c.completion(), task.model(), calls, c.cached());
                record(c);
                if (!calls.allAnswered()) {
                    store.put(e);
                    return;
                }
                e.succeededInPieces(i, merged(e, i, plan), task.model());
            } catch (ZeroGpuException ex) {
                e.pieceFailed(i, k, calls);
                failTask(e, i, onPiece(Failures.recordError(task, ex.toBuilder()
                        .requestId(c.completion().requestId()).build()), plan, k));
                return;
            } catch (RuntimeException ex) {
                e.pieceFailed(i, k, calls);
                failTask(e, i, Failure.of(DeadLetterCategory.INTERNAL, "task '" + task.name() + "': the answers to "
                        + "the pieces of its long input could not be merged: " + ex.getMessage(),
                        ex.getClass().getName(), ex.getMessage()));
                return;
            }
            taskEnded(e);
            return;
        }
        ZeroGpuException x = c.error().withAttempts(attempts);
        if (x.disposition() == Disposition.RECORD) {
            e.pieceFailed(i, k, calls);
            failTask(e, i, onPiece(Failures.recordError(task, x), plan, k));
            return;
        }
        long now = now();
        Duration delay = engine.config().retry().delay(attempts, x.retryAfter(), ThreadLocalRandom.current());
        Duration elapsed = Duration.ofMillis(Math.max(0, now - calls.firstAttemptAt(k)));
        if (!engine.config().retry().mayRetry(attempts, elapsed, delay)) {
            e.pieceFailed(i, k, calls);
            failTask(e, i, onPiece(Failures.retriesExhausted(task, x, attempts, elapsed), plan, k));
            return;
        }
        long due = now + delay.toMillis();
        calls.retryAt(k, due);
        if (e.trace != null) {
            e.trace.backoff(task.name(), k, due, retryReason(x));
        }
        timers.schedule(due, e.seq, PieceCalls.timerSlot(i, k));
        stats.retried();
    }

    /** {@code f} saying which piece of a chunked long input it failed on. */
    private static Failure onPiece(Failure f, LongInputs.Plan plan, int k) {
        TextPiece p = plan.pieces().get(k);
        return f.withReason("on piece " + (k + 1) + " of " + plan.pieces().size() + " of its long input (code points "
                + p.start() + ".." + p.end() + "): " + f.reason());
    }

    /** A TRANSIENT failure: a retry with backoff (persisted, so a restart keeps it), or the end of the task. */
    private void retryOrGiveUp(PendingEvent e, int i, EnrichmentTask task, ZeroGpuException x, int attempts) {
        long now = now();
        Duration delay = engine.config().retry().delay(attempts, x.retryAfter(), ThreadLocalRandom.current());
        Duration elapsed = e.sinceFirstAttempt(i, now);
        Failure exhausted = Failures.retriesExhausted(task, x, attempts, elapsed);
        if (e.onFallback(i) || !engine.config().retry().mayRetry(attempts, elapsed, delay)) {
            // A fallback model is tried once: no retries on it.
            if (mayFallBack(e, i, task)) {
                fallBack(e, i, task, x);
                return;
            }
            failTask(e, i, onModel(exhausted, e, i, task));
            return;
        }
        long due = now + delay.toMillis();
        e.retryAt(i, due, exhausted);
        if (e.trace != null) {
            e.trace.backoff(task.name(), -1, due, retryReason(x));
        }
        timers.schedule(due, e.seq, i);
        stats.retried();
        store.put(e);
    }

    /** Why a call is retried, for its back-off's trace: the failure's kind and HTTP status, never its message. */
    private static String retryReason(ZeroGpuException x) {
        return x.kind() + (x.status() > 0 ? " (HTTP " + x.status() + ")" : "");
    }

    private static boolean mayFallBack(PendingEvent e, int i, EnrichmentTask task) {
        return task.fallbackModel() != null && !e.onFallback(i);
    }

    /** Task {@code i}'s own model failed for good with {@code x}: the task is tried once on its fallback model. */
    private void fallBack(PendingEvent e, int i, EnrichmentTask task, ZeroGpuException x) {
        if (warnings.allow(now())) {
            LOG.warn("{} task '{}': model {} failed for good ({} status={}), trying fallback model {}",
                    e.coordinates(), task.name(), task.model(), x.kind(), x.status(), task.fallbackModel());
        }
        e.toFallback(i);
        stats.fellBack();
        store.put(e);
        send(e, i);
    }

    /** {@code f} naming the model the task ran on last (its fallback, once it switched). */
    private static Failure onModel(Failure f, PendingEvent e, int i, EnrichmentTask task) {
        if (!e.onFallback(i)) {
            return f;
        }
        return f.withModel(task.fallbackModel()).withReason("on fallback model " + task.fallbackModel() + " (model "
                + task.model() + " had failed for good): " + f.reason());
    }

    private void failTask(PendingEvent e, int i, Failure f) {
        e.failed(i, f);
        logFailure(e, i, f);
        taskEnded(e);
    }

    private void logFailure(PendingEvent e, int i, Failure f) {
        if (warnings.allow(now())) {
            LOG.warn("{} task '{}' failed for good: {} status={} request_id={}: {}", e.coordinates(),
                    tasks.get(i).name(), f.category(), f.httpStatus(), f.requestId(), f.reason());
        }
    }

    /** A task ended: the tasks that wait for it are decided, then the event is stored, or finished when all ended. */
    private void taskEnded(PendingEvent e) {
        if (e.finished) {
            return;
        }
        if (!failedForGood(e)) {
            advance(e, false);
        }
        if (e.finished) {
            return;
        }
        if (e.allTasksEnded() || failedForGood(e)) {
            finish(e, true);
        } else {
            store.put(e);
        }
    }

    private boolean failedForGood(PendingEvent e) {
        return engine.config().onTaskFailure() == TaskFailurePolicy.DEAD_LETTER && e.anyTaskFailed();
    }

    /**
     * Marks the event finished; it leaves when its turn comes. When it must wait (an earlier event of its key is not
     * done), its final state is persisted first so a restart finds it finished.
     */
    private void finish(PendingEvent e, boolean mayWrite) {
        e.finished = true;
        if (e.failure == null && e.anyTaskFailed()) {
            if (engine.config().onTaskFailure() == TaskFailurePolicy.DEAD_LETTER || !e.anyTaskSucceeded()) {
                e.failure = e.firstTaskFailure(tasks);
            }
        }
        if (mayWrite && !queue.wouldLeaveAt(e.seq)) {
            store.put(e);
        }
        if (e.trace != null) {
            e.trace.finished(!queue.wouldLeaveAt(e.seq));
        }
        queue.finished(e.seq);
    }

    private void fireTimers(long now) {
        timers.fireDue(now, onTimer);
    }

    /** A timer is due: retry the decoding, or send the task's next attempt if it still waits for this one. */
    private void timerDue(long seq, int task, long due) {
        PendingEvent e = inMemory.get(seq);
        if (e == null || e.finished) {
            return;
        }
        if (task == RetryTimers.DECODE) {
            if (decode(e)) {
                if (!e.stored) {
                    store.put(e);
                }
                startTasks(e, false);
            }
            return;
        }
        int i = PieceCalls.taskOf(task);
        int piece = PieceCalls.pieceOf(task);
        if (piece >= 0) {
            PieceCalls calls = e.pieceCalls(i);
            if (e.outstanding(i) && calls != null && calls.retryDue(piece, due)) {
                calls.retryAt(piece, 0);
                sendPiece(e, i, piece);
            }
            return;
        }
        if (e.outstanding(task) && Long.valueOf(due).equals(e.nextAttemptAt(task))) {
            send(e, task);
        }
    }

    /** Forwards the event's output and deletes its entry, in one step on the stream thread. */
    private void emit(long seq) {
        PendingEvent e = inMemory.remove(seq);
        if (e == null) {
            throw new IllegalStateException("event " + seq + " left the queue but is not in memory");
        }
        stats.pendingChanged(-1, inMemory.size());
        long now = now();
        FinishedEvent done = new FinishedEvent(e.input(), e.event, e.outcomes(tasks), e.failure);
        Record<byte[], byte[]> out;
        String child;
        if (done.failure() == null) {
            try {
                out = engine.sink().enriched(done, now);
                child = EnrichmentEngine.ENRICHED;
            } catch (SerdeException ex) {
                if (!ex.isRecordFault()) {
                    // The registry cannot be asked: not this record's fault. Failing the stream thread keeps the
                    // entry (it is deleted only after the forward); its replacement resumes from the store.
                    throw new IllegalStateException("cannot serialize the enriched record of "
                            + done.input().coordinates() + ": " + ex.getMessage(), ex);
                }
                done = new FinishedEvent(done.input(), done.event(), done.outcomes(), Failures.serialization(ex));
                out = engine.sink().deadLetter(done, now);
                child = EnrichmentEngine.DEAD_LETTERS;
            } catch (RuntimeException ex) {
                done = new FinishedEvent(done.input(), done.event(), done.outcomes(), Failures.serialization(ex));
                out = engine.sink().deadLetter(done, now);
                child = EnrichmentEngine.DEAD_LETTERS;
            }
        } else {
            out = engine.sink().deadLetter(done, now);
            child = EnrichmentEngine.DEAD_LETTERS;
        }
        if (e.trace != null) {
            traced(out, e.trace, done.failure());
        }
        context.forward(out, child);
        store.delete(e);
        if (done.failure() == null) {
            stats.enrichedOne();
        } else {
            stats.onDeadLettered(done.failure().category());
        }
        promote();
    }

    /**
     * The output carries the event's span as its {@code traceparent} (in place of the input's), so whoever reads it
     * continues the trace; the event's span ends.
     */
    private static void traced(Record<byte[], byte[]> out, EventTracer.EventTrace trace, Failure failure) {
        out.headers().remove(TRACEPARENT).add(TRACEPARENT,
                trace.traceparent().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        if (failure == null) {
            trace.ended("enriched", null, null);
        } else {
            trace.ended("dead_lettered", failure.category().name(), failure.reason());
        }
    }

    private void promote() {
        while (inMemory.size() < cap && !parked.isEmpty()) {
            long seq = parked.poll();
            stats.parkedChanged(-1);
            boolean found = store.get(seq, (s, entry) -> {
                reconcile(s, entry);
                promoted(s, entry);
            }, u -> promoted(u.seq(), unreadable(u)));
            if (!found) {
                throw new IllegalStateException("parked event " + seq + " is missing from the store");
            }
        }
    }

    private void promoted(long seq, PendingEntry entry) {
        PendingEvent e = new PendingEvent(seq, entry);
        e.stored = true;
        if (tracer != null) {
            e.trace = parkedTraces.remove(seq);
            if (e.trace == null) {
                resumeTrace(e);
            } else {
                e.entry.setTrace(e.trace.traceparent());
            }
        }
        activate(e, false);
    }

    private long now() {
        return engine.config().clock().millis();
    }

    @Override
    public void close() {
        lane.close();
        stats.taskClosed(context.taskId().toString());
        stats.pendingChanged(-inMemory.size(), 0);
        stats.parkedChanged(-parked.size());
        if (tracer != null) {
            for (PendingEvent e : inMemory.values()) {
                if (e.trace != null) {
                    e.trace.handedOver();
                }
            }
            parkedTraces.values().forEach(EventTracer.EventTrace::handedOver);
            parkedTraces.clear();
        }
        inMemory.clear();
        timers.clear();
    }
}
