package dev.enricher.engine;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.client.ChatCompletion;
import dev.enricher.client.Choice;
import dev.enricher.client.Usage;
import dev.enricher.client.ZeroGpuException;
import dev.enricher.engine.avro.PendingEntry;
import dev.enricher.engine.avro.StoredFailure;
import dev.enricher.engine.avro.StoredHeader;
import dev.enricher.engine.avro.StoredCall;
import dev.enricher.engine.avro.StoredPiece;
import dev.enricher.engine.avro.StoredRefusal;
import dev.enricher.engine.avro.StoredTask;
import dev.enricher.engine.avro.StoredTaskStatus;
import dev.enricher.serde.decode.DecodedEvent;
import dev.enricher.tasks.EnrichmentTask;
import dev.enricher.tasks.LongInputs;
import dev.enricher.tasks.RefusedAnswer;
import dev.enricher.tasks.TaskCondition;
import dev.enricher.tasks.TaskResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One admitted event as its processor holds it: the persisted {@link PendingEntry} (what the store keeps) plus what
 * memory caches of it (the decoded event, the parsed results). It alone writes the entry's task states: the processor
 * says what happened (an attempt ended, a task succeeded, a retry is due, a task failed) and the event records it;
 * the processor decides when the entry goes to the store. Mutable; owned by one processor, stream thread only.
 */
final class PendingEvent {
    static {
        // Building a stored task fills unset fields with their schema defaults, which Avro 1.12 resolves through the
        // generated classes: they must be trusted before the first event is admitted, whoever loads the store first.
        dev.enricher.serde.GeneratedClassTrust.install();
    }

    final long seq;
    final PendingEntry entry;
    final TaskResult[] results;
    /**
     * Why task i is skipped for this event (its condition is false); null when it is not. Not stored: a restored
     * event evaluates the same conditions on the same input again.
     */
    private final String[] skipped;
    /** {@link #conditionInput()}, once built. */
    private TaskCondition.Event conditionInput;
    /**
     * Whether task i's current call went out, or its retry is scheduled, in this processor's life. Not stored: after
     * a restore nothing is in flight, and every outstanding task whose inputs are ready is sent again.
     */
    private final boolean[] started;
    /** Each task's input text once known (the event's text, or a field of another task's result). */
    private final String[] inputs;
    /** Each task's plan for a long input, once planned (see {@link #planned}); null when the input is sent whole. */
    private final LongInputs.Plan[] plans;
    private final boolean[] planned;
    /** How each task's long input was sent, for the record; null when whole. */
    private final LongInputUse[] longInputs;
    /** Each chunked task's piece calls, once planned; null otherwise. */
    private final PieceCalls[] pieceCalls;
    DecodedEvent event;
    /** True once the entry has been written to the store (and so must be deleted when the event leaves). */
    boolean stored;
    /** True once every task ended (or the event failed for good): it only waits for its turn to leave. */
    boolean finished;
    /** Why the event goes to the dead-letter topic; null when it is published. Set when finished. */
    Failure failure;
    /** The event's trace; null when tracing is off. Its context is kept in the entry ({@code trace}). */
    EventTracer.EventTrace trace;

    PendingEvent(long seq, PendingEntry entry) {
        this.seq = seq;
        this.entry = entry;
        this.results = new TaskResult[entry.getTasks().size()];
        this.skipped = new String[entry.getTasks().size()];
        this.started = new boolean[entry.getTasks().size()];
        this.inputs = new String[entry.getTasks().size()];
        this.plans = new LongInputs.Plan[entry.getTasks().size()];
        this.planned = new boolean[entry.getTasks().size()];
        this.longInputs = new LongInputUse[entry.getTasks().size()];
        this.pieceCalls = new PieceCalls[entry.getTasks().size()];
    }

    static PendingEvent admit(long seq, InputRecord in, List<String> taskNames, List<String> fingerprints, long now) {
        List<StoredHeader> headers = new ArrayList<>(in.headers().size());
        for (InputRecord.Header h : in.headers()) {
            headers.add(new StoredHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
        }
        List<StoredTask> tasks = new ArrayList<>(taskNames.size());
        for (int i = 0; i < taskNames.size(); i++) {
            tasks.add(fresh(taskNames.get(i), fingerprints.get(i)));
        }
        PendingEntry e = PendingEntry.newBuilder()
                .setKey(in.key() == null ? null : ByteBuffer.wrap(in.key()))
                .setValue(in.value() == null ? null : ByteBuffer.wrap(in.value()))
                .setHeaders(headers).setTimestamp(in.timestamp()).setTopic(in.topic())
                .setPartition(in.partition()).setOffset(in.offset()).setAdmittedAt(now).setTasks(tasks).build();
        return new PendingEvent(seq, e);
    }

    private static StoredTask fresh(String name, String fingerprint) {
        return StoredTask.newBuilder().setTask(name).setFingerprint(fingerprint)
                .setStatus(StoredTaskStatus.OUTSTANDING).build();
    }

    /**
     * Matches a stored entry's task states to the configured tasks by name and fingerprint, not by position, and
     * rewrites them in configured order: the state of a task that is unchanged is kept (its answer, attempts and next
     * retry time); a task whose fingerprint changed, or that entries of versions before fingerprints stored, is asked
     * again; a new task is outstanding; the state of a task no longer configured is dropped. An entry of an event
     * that failed before its tasks ran is left as it is.
     *
     * @return what changed, for a person (null when nothing did)
     */
    static String reconcile(PendingEntry entry, List<String> names, List<String> fingerprints) {
        if (entry.getFailure() != null) {
            return null;
        }
        java.util.Map<String, StoredTask> byName = new java.util.LinkedHashMap<>();
        for (StoredTask t : entry.getTasks()) {
            byName.putIfAbsent(t.getTask(), t);
        }
        List<StoredTask> matched = new ArrayList<>(names.size());
        List<String> changes = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            StoredTask stored = byName.remove(name);
            if (stored == null) {
                changes.add("task '" + name + "' is new: it runs");
                matched.add(fresh(name, fingerprints.get(i)));
            } else if (!fingerprints.get(i).equals(stored.getFingerprint())) {
                changes.add("task '" + name + "' changed" + (stored.getFingerprint() == null
                        ? " or was stored by a version before fingerprints" : "") + ": it runs again");
                matched.add(fresh(name, fingerprints.get(i)));
            } else {
                matched.add(stored);
            }
        }
        for (String gone : byName.keySet()) {
            changes.add("task '" + gone + "' is no longer configured: its state is dropped");
        }
        boolean reordered = changes.isEmpty() && !entry.getTasks().equals(matched);
        entry.setTasks(matched);
        return changes.isEmpty() ? (reordered ? "the tasks were reordered" : null) : String.join("; ", changes);
    }

    /** Task {@code i}'s stored state, for reading: changes go through the methods below. */
    StoredTask task(int i) {
        return entry.getTasks().get(i);
    }

    int taskCount() {
        return results.length;
    }

    byte[] keyBytes() {
        return bytes(entry.getKey());
    }

    InputRecord input() {
        List<InputRecord.Header> headers = new ArrayList<>(entry.getHeaders().size());
        for (StoredHeader h : entry.getHeaders()) {
            headers.add(new InputRecord.Header(h.getKey(), bytes(h.getValue())));
        }
        return new InputRecord(bytes(entry.getKey()), bytes(entry.getValue()), headers, entry.getTimestamp(),
                entry.getTopic(), entry.getPartition(), entry.getOffset());
    }

    /** Where the input came from, for messages: {@code topic-partition@offset}. */
    String coordinates() {
        return entry.getTopic() + "-" + entry.getPartition() + "@" + entry.getOffset();
    }

    /** True when no task is outstanding (a skipped task has ended). */
    boolean allTasksEnded() {
        for (int i = 0; i < taskCount(); i++) {
            if (outstanding(i)) {
                return false;
            }
        }
        return true;
    }

    /** Task {@code i} is not run on this event, for {@code reason}. */
    void skip(int i, String reason) {
        skipped[i] = reason;
    }

    /** Whether task {@code i} was skipped on this event. */
    boolean skipped(int i) {
        return skipped[i] != null;
    }

    /** Why task {@code i} was skipped; null when it was not. */
    String skipReason(int i) {
        return skipped[i];
    }

    /** Task {@code i}'s call went out, or its retry is scheduled. */
    void started(int i) {
        started[i] = true;
    }

    /** Whether task {@code i}'s call went out, or its retry is scheduled, since this event was taken into memory. */
    boolean isStarted(int i) {
        return started[i];
    }

    boolean failed(int i) {
        return task(i).getStatus() == StoredTaskStatus.FAILED;
    }

    /** The failure of task {@code i}, which failed. */
    Failure failure(int i, EnrichmentTask task) {
        return restore(task(i).getFailure(), task(i), model(task, i));
    }

    /** Task {@code i}'s input text, once set. */
    String inputText(int i) {
        return inputs[i];
    }

    void inputText(int i, String text) {
        inputs[i] = text;
    }

    /** Whether task {@code i}'s long-input plan was made (it may be null: sent whole). */
    boolean planned(int i) {
        return planned[i];
    }

    LongInputs.Plan plan(int i) {
        return plans[i];
    }

    void plan(int i, LongInputs.Plan plan) {
        plans[i] = plan;
        planned[i] = true;
        longInputs[i] = plan == null ? null : LongInputUse.of(plan);
    }

    /** Attempts task {@code i} made so far (0 before its first call). */
    int attempts(int i) {
        return task(i).getAttempts();
    }

    /**
     * What task conditions read of this event (headers as UTF-8 text, the last value of a repeated key), built once
     * for all its conditional tasks; the event must be decoded.
     */
    TaskCondition.Event conditionInput(TaskCondition condition, List<EnrichmentTask> tasks) {
        TaskCondition.Event base = conditionInput();
        if (condition.dependencies().isEmpty()) {
            return base;
        }
        java.util.Map<String, Object> byName = new java.util.HashMap<>();
        for (int j = 0; j < taskCount(); j++) {
            EnrichmentTask t = tasks.get(j);
            if (results[j] != null && condition.dependencies().contains(t.name())) {
                byName.put(t.name(), dev.enricher.tasks.TaskType.of(t).toAvro(results[j]));
            }
        }
        return base.withResults(byName);
    }

    private TaskCondition.Event conditionInput() {
        if (conditionInput == null) {
            java.util.Map<String, String> headers = new java.util.HashMap<>();
            for (StoredHeader h : entry.getHeaders()) {
                byte[] v = bytes(h.getValue());
                headers.put(h.getKey(), v == null ? "" : new String(v, java.nio.charset.StandardCharsets.UTF_8));
            }
            conditionInput = new TaskCondition.Event(event.id(), event.text(), event.attributes(), headers);
        }
        return conditionInput;
    }

    boolean anyTaskFailed() {
        for (StoredTask t : entry.getTasks()) {
            if (t.getStatus() == StoredTaskStatus.FAILED) {
                return true;
            }
        }
        return false;
    }

    /** The topic the input was read from. */
    String topic() {
        return entry.getTopic();
    }

    /** The input's value as consumed; null for a tombstone. */
    byte[] value() {
        return bytes(entry.getValue());
    }

    /** When the event was admitted, epoch ms. */
    long admittedAt() {
        return entry.getAdmittedAt();
    }

    /** True when the stored entry says the event failed before any task ran (it only waits to be dead-lettered). */
    boolean failedBeforeTasks() {
        return entry.getFailure() != null;
    }

    /** The stored failure of an event that {@link #failedBeforeTasks() failed before its tasks}. */
    Failure storedEventFailure() {
        return restore(entry.getFailure(), null, null);
    }

    /** True when a task has a result. */
    boolean anyTaskSucceeded() {
        for (TaskResult r : results) {
            if (r != null) {
                return true;
            }
        }
        return false;
    }

    /** Whether task {@code i} waits for an answer or a retry (not when it is skipped). */
    boolean outstanding(int i) {
        return task(i).getStatus() == StoredTaskStatus.OUTSTANDING && skipped[i] == null;
    }

    boolean succeeded(int i) {
        return task(i).getStatus() == StoredTaskStatus.SUCCEEDED;
    }

    /** The time task {@code i}'s next attempt is due, epoch ms; null when it may be sent now. */
    Long nextAttemptAt(int i) {
        return task(i).getNextAttemptAt();
    }

    /**
     * Records that one attempt of task {@code i} ended (whatever its outcome): counts it and keeps its times.
     *
     * @return the attempts made so far
     */
    int attemptEnded(int i, long sentAt, long endedAt) {
        StoredTask t = task(i);
        t.setAttempts(t.getAttempts() + 1);
        if (t.getFirstAttemptAt() == null) {
            t.setFirstAttemptAt(sentAt);
        }
        t.setLastAttemptAt(sentAt);
        t.setLatencyMs(Math.max(0, endedAt - sentAt));
        t.setNextAttemptAt(null);
        return t.getAttempts();
    }

    /** Time from task {@code i}'s first attempt to {@code now}. */
    Duration sinceFirstAttempt(int i, long now) {
        Long first = task(i).getFirstAttemptAt();
        return Duration.ofMillis(first == null ? 0 : Math.max(0, now - first));
    }

    /** Keeps the API request id of task {@code i}'s last attempt. */
    void requestId(int i, String requestId) {
        task(i).setRequestId(requestId);
    }

    /** Task {@code i} succeeded with {@code result}, parsed from {@code completion} (kept so a restart re-parses it). */
    void succeeded(int i, ChatCompletion completion, TaskResult result) {
        succeeded(i, completion, result, false);
    }

    /** As above; {@code cached} when the answer was not paid for by this event (stored call results). */
    void succeeded(int i, ChatCompletion completion, TaskResult result, boolean cached) {
        results[i] = result;
        StoredTask t = task(i);
        t.setCached(cached);
        t.setStatus(StoredTaskStatus.SUCCEEDED);
        t.setFailure(null);
        t.setCompletionId(completion.id());
        t.setRequestId(completion.requestId());
        t.setModel(completion.model());
        Usage u = completion.usage();
        t.setPromptTokens(u == Usage.NONE ? null : u.promptTokens());
        t.setCompletionTokens(u == Usage.NONE ? null : u.completionTokens());
        Choice first = completion.choices().get(0);
        t.setContent(first.content());
        t.setFinishReason(first.finishReason());
    }

    /**
     * Task {@code i}'s answer was refused (its content did not have the task's shape) and goes back for repair: the
     * call's accounting joins the earlier calls (it was paid), the answer and the problem join the conversation of
     * the next request, and the task waits to be sent again with fresh attempt counts.
     */
    void answerRefused(int i, ChatCompletion completion, String problem, String model) {
        answerRefused(i, completion, problem, model, false);
    }

    /** As above; {@code cached} when the refused answer was not paid for by this event. */
    void answerRefused(int i, ChatCompletion completion, String problem, String model, boolean cached) {
        StoredTask t = task(i);
        StoredCall call = storedCall(t, completion, model);
        call.setCached(cached);
        t.getEarlierCalls().add(call);
        String content = completion.content();
        t.getRefused().add(StoredRefusal.newBuilder().setContent(content == null ? "" : content).setProblem(problem)
                .build());
        restart(t);
    }

    /**
     * Piece {@code k} of task {@code i}'s chunked input, code points {@code start..end} of it, was answered (and its
     * answer accepted): the answer and its call's accounting ({@code calls}') are kept.
     */
    void pieceAnswered(int i, int k, int start, int end, ChatCompletion completion, String model, PieceCalls calls,
                       boolean cached) {
        Choice first = completion.choices().get(0);
        Usage u = completion.usage();
        StoredCall call = StoredCall.newBuilder().setModel(model).setCompletionId(completion.id())
                .setRequestId(completion.requestId())
                .setPromptTokens(u == Usage.NONE ? null : u.promptTokens())
                .setCompletionTokens(u == Usage.NONE ? null : u.completionTokens())
                .setLatencyMs(calls.latencyMs(k)).setAttempts(calls.attempts(k))
                .setFirstAttemptAt(calls.firstAttemptAt(k)).setLastAttemptAt(calls.lastAttemptAt(k)).setCached(cached)
                .build();
        task(i).getPieces().add(StoredPiece.newBuilder().setIndex(k).setStart(start).setEnd(end)
                .setContent(first.content()).setFinishReason(first.finishReason()).setCall(call).build());
    }

    /** Piece {@code k} of task {@code i} failed for good after {@code calls}' attempts: the task's failure says so. */
    void pieceFailed(int i, int k, PieceCalls calls) {
        StoredTask t = task(i);
        t.setAttempts(calls.attempts(k));
        t.setFirstAttemptAt(calls.firstAttemptAt(k) == 0 ? null : calls.firstAttemptAt(k));
        t.setLastAttemptAt(calls.lastAttemptAt(k) == 0 ? null : calls.lastAttemptAt(k));
        t.setLatencyMs(calls.latencyMs(k));
    }

    /**
     * Checks task {@code i}'s stored piece answers against {@code plan} (planned again after a restore, perhaps under
     * another limit): when they are not answers to the plan's pieces, the task starts over, asked again.
     *
     * @return true when the task started over
     */
    boolean startOverUnlessPiecesMatch(int i, LongInputs.Plan plan) {
        List<StoredPiece> stored = task(i).getPieces();
        boolean match = stored.isEmpty() || (plan != null && plan.mode() == dev.enricher.tasks.LongInput.Mode.CHUNK);
        for (int k = 0; match && k < stored.size(); k++) {
            StoredPiece p = stored.get(k);
            match = p.getIndex() < plan.pieces().size() && p.getStart() == plan.pieces().get(p.getIndex()).start()
                    && p.getEnd() == plan.pieces().get(p.getIndex()).end();
        }
        if (match) {
            return false;
        }
        StoredTask t = task(i);
        entry.getTasks().set(i, fresh(t.getTask(), t.getFingerprint()));
        return true;
    }

    /** The calls of task {@code i}'s pieces, once its chunked input was planned in memory; null before or otherwise. */
    PieceCalls pieceCalls(int i) {
        return pieceCalls[i];
    }

    void pieceCalls(int i, PieceCalls calls) {
        for (StoredPiece p : task(i).getPieces()) {
            calls.markAnswered(p.getIndex());
        }
        pieceCalls[i] = calls;
    }

    /** Task {@code i} succeeded with {@code result}, merged from the answers to its pieces (which the store keeps). */
    void succeededInPieces(int i, TaskResult result, String model) {
        results[i] = result;
        StoredTask t = task(i);
        t.setStatus(StoredTaskStatus.SUCCEEDED);
        t.setFailure(null);
        t.setModel(model);
    }

    /** The answer to piece {@code k} of task {@code i}'s chunked input, as the completion it came in. */
    ChatCompletion storedPiece(int i, int k) {
        for (StoredPiece p : task(i).getPieces()) {
            if (p.getIndex() == k) {
                StoredCall c = p.getCall();
                return completion(c.getCompletionId(), c.getModel(), p.getContent(), p.getFinishReason(),
                        c.getPromptTokens(), c.getCompletionTokens(), c.getRequestId(), c.getAttempts(),
                        c.getLatencyMs());
            }
        }
        throw new IllegalStateException("piece " + k + " of task '" + task(i).getTask() + "' was not answered");
    }

    private static StoredCall storedCall(StoredTask t, ChatCompletion completion, String model) {
        Usage u = completion.usage();
        return StoredCall.newBuilder().setModel(model).setCompletionId(completion.id())
                .setRequestId(completion.requestId())
                .setPromptTokens(u == Usage.NONE ? null : u.promptTokens())
                .setCompletionTokens(u == Usage.NONE ? null : u.completionTokens())
                .setLatencyMs(t.getLatencyMs()).setAttempts(t.getAttempts())
                .setFirstAttemptAt(t.getFirstAttemptAt() == null ? 0 : t.getFirstAttemptAt())
                .setLastAttemptAt(t.getLastAttemptAt() == null ? 0 : t.getLastAttemptAt()).build();
    }

    /** Task {@code i}'s own model failed for good: it is sent once to its fallback model, with fresh attempt counts. */
    void toFallback(int i) {
        StoredTask t = task(i);
        t.setOnFallback(true);
        restart(t);
    }

    /** Whether task {@code i} runs on its fallback model. */
    boolean onFallback(int i) {
        return task(i).getOnFallback();
    }

    /** The answers of task {@code i} refused so far, oldest first. */
    List<RefusedAnswer> refused(int i) {
        List<StoredRefusal> stored = task(i).getRefused();
        List<RefusedAnswer> out = new ArrayList<>(stored.size());
        for (StoredRefusal r : stored) {
            out.add(new RefusedAnswer(r.getContent(), r.getProblem()));
        }
        return out;
    }

    private static void restart(StoredTask t) {
        t.setStatus(StoredTaskStatus.OUTSTANDING);
        t.setAttempts(0);
        t.setFirstAttemptAt(null);
        t.setLastAttemptAt(null);
        t.setNextAttemptAt(null);
        t.setLatencyMs(0);
        t.setFailure(null);
        t.setRequestId(null);
        t.setCached(false);
    }

    /** Task {@code i} is retried at {@code due}; {@code ifExhausted} is its failure should no retry follow. */
    void retryAt(int i, long due, Failure ifExhausted) {
        StoredTask t = task(i);
        t.setNextAttemptAt(due);
        t.setFailure(store(ifExhausted));
    }

    /** Task {@code i} failed for good. */
    void failed(int i, Failure f) {
        StoredTask t = task(i);
        t.setStatus(StoredTaskStatus.FAILED);
        t.setFailure(store(f));
    }

    /** The event failed before any task ran (decoding); it goes to the dead-letter topic. */
    void failedBeforeTasks(Failure f) {
        entry.setFailure(store(f));
        failure = f;
    }

    /** The failure of the first task (in task order) that failed for good. */
    Failure firstTaskFailure(List<EnrichmentTask> tasks) {
        for (int i = 0; i < taskCount(); i++) {
            StoredTask t = task(i);
            if (t.getStatus() == StoredTaskStatus.FAILED) {
                return restore(t.getFailure(), t, model(tasks.get(i), i));
            }
        }
        throw new IllegalStateException("no failed task");
    }

    /** One outcome per task that ended, in task order. */
    List<TaskOutcome> outcomes(List<EnrichmentTask> tasks) {
        List<TaskOutcome> out = new ArrayList<>(taskCount());
        for (int i = 0; i < taskCount(); i++) {
            StoredTask t = task(i);
            EnrichmentTask task = tasks.get(i);
            CallInfo call = t.getAttempts() == 0 ? null : new CallInfo(t.getCompletionId(), t.getRequestId(),
                    toInt(t.getPromptTokens()), toInt(t.getCompletionTokens()), t.getLatencyMs(), t.getAttempts(),
                    t.getFirstAttemptAt(), t.getLastAttemptAt(), t.getCached());
            String model = model(task, i);
            List<EarlierCall> earlier = new ArrayList<>(t.getEarlierCalls().size());
            for (StoredCall c : t.getEarlierCalls()) {
                earlier.add(earlierCall(c));
            }
            List<StoredPiece> answered = new ArrayList<>(t.getPieces());
            answered.sort(java.util.Comparator.comparingInt(StoredPiece::getIndex));
            List<EarlierCall> pieces = new ArrayList<>(answered.size());
            for (StoredPiece p : answered) {
                EarlierCall c = earlierCall(p.getCall());
                pieces.add(new EarlierCall(c.model(), c.call(), p.getIndex()));
            }
            if (skipped[i] != null) {
                out.add(TaskOutcome.skipped(task.name(), model, skipped[i]));
            } else if (t.getStatus() == StoredTaskStatus.SUCCEEDED) {
                out.add(new TaskOutcome(task.name(), model, results[i], call, null, earlier, null, pieces,
                        longInputs[i]));
            } else if (t.getStatus() == StoredTaskStatus.FAILED) {
                out.add(new TaskOutcome(task.name(), model, null, call, restore(t.getFailure(), t, model), earlier,
                        null, pieces, longInputs[i]));
            }
        }
        return out;
    }

    private static EarlierCall earlierCall(StoredCall c) {
        return new EarlierCall(c.getModel(), new CallInfo(c.getCompletionId(), c.getRequestId(),
                toInt(c.getPromptTokens()), toInt(c.getCompletionTokens()), c.getLatencyMs(), c.getAttempts(),
                c.getFirstAttemptAt(), c.getLastAttemptAt(), c.getCached()));
    }

    /** The model task {@code i} runs on: its own, or its fallback once it switched. */
    String model(EnrichmentTask task, int i) {
        return onFallback(i) && task.fallbackModel() != null ? task.fallbackModel() : task.model();
    }

    /** Task {@code i}'s stored answer as the completion it came in. */
    ChatCompletion storedCompletion(int i) {
        StoredTask t = task(i);
        return completion(t.getCompletionId(), t.getModel(), t.getContent(), t.getFinishReason(), t.getPromptTokens(),
                t.getCompletionTokens(), t.getRequestId(), t.getAttempts(), t.getLatencyMs());
    }

    private static ChatCompletion completion(String id, String model, String content, String finishReason,
                                             Long promptTokens, Long completionTokens, String requestId, int attempts,
                                             long latencyMs) {
        return ChatCompletion.kept(id, model, content, finishReason, promptTokens, completionTokens, requestId,
                attempts, latencyMs);
    }

    private static Integer toInt(Long v) {
        return v == null ? null : (int) Math.min(Integer.MAX_VALUE, v);
    }

    static StoredFailure store(Failure f) {
        return StoredFailure.newBuilder().setCategory(f.category().name()).setReason(f.reason())
                .setHttpStatus(f.httpStatus()).setErrorType(f.errorType()).setErrorCode(f.errorCode())
                .setErrorMessage(f.errorMessage()).setRequestId(f.requestId()).setRawContent(f.rawContent()).build();
    }

    /** A stored failure back as a value; task fields and attempt times come from the task state, when there is one. */
    static Failure restore(StoredFailure f, StoredTask task, String model) {
        DeadLetterCategory category;
        try {
            category = DeadLetterCategory.valueOf(f.getCategory());
        } catch (IllegalArgumentException e) {
            category = DeadLetterCategory.UNKNOWN;
        }
        if (task == null) {
            return new Failure(category, f.getReason(), null, null, f.getHttpStatus(), f.getErrorType(),
                    f.getErrorCode(), f.getErrorMessage(), f.getRequestId(), null, null, null, f.getRawContent());
        }
        return new Failure(category, f.getReason(), task.getTask(), model, f.getHttpStatus(), f.getErrorType(),
                f.getErrorCode(), f.getErrorMessage(), f.getRequestId(), task.getAttempts() == 0 ? null : task.getAttempts(),
                task.getFirstAttemptAt(), task.getLastAttemptAt(), f.getRawContent());
    }

    static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
