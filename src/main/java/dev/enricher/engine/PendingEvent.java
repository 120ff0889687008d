package dev.enricher.engine;

import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.engine.avro.PendingEntry;
import dev.enricher.engine.avro.StoredFailure;
import dev.enricher.engine.avro.StoredHeader;
import dev.enricher.engine.avro.StoredTask;
import dev.enricher.engine.avro.StoredTaskStatus;
import dev.enricher.serde.decode.DecodedEvent;
import dev.enricher.tasks.TaskResult;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One admitted event as its processor holds it: the persisted {@link PendingEntry} (what the store keeps) plus what
 * memory caches of it (the decoded event, the parsed results). Mutable; owned by one processor, stream thread only.
 */
final class PendingEvent {
    final long seq;
    final PendingEntry entry;
    final TaskResult[] results;
    DecodedEvent event;
    /** True once the entry has been written to the store (and so must be deleted when the event leaves). */
    boolean stored;
    /** True once every task ended (or the event failed for good): it only waits for its turn to leave. */
    boolean finished;
    /** Why the event goes to the dead-letter topic; null when it is published. Set when finished. */
    Failure failure;

    PendingEvent(long seq, PendingEntry entry) {
        this.seq = seq;
        this.entry = entry;
        this.results = new TaskResult[entry.getTasks().size()];
    }

    static PendingEvent admit(long seq, InputRecord in, List<String> taskNames, long now) {
        List<StoredHeader> headers = new ArrayList<>(in.headers().size());
        for (InputRecord.Header h : in.headers()) {
            headers.add(new StoredHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
        }
        List<StoredTask> tasks = new ArrayList<>(taskNames.size());
        for (String name : taskNames) {
            tasks.add(StoredTask.newBuilder().setTask(name).setStatus(StoredTaskStatus.OUTSTANDING).build());
        }
        PendingEntry e = PendingEntry.newBuilder()
                .setKey(in.key() == null ? null : ByteBuffer.wrap(in.key()))
                .setValue(in.value() == null ? null : ByteBuffer.wrap(in.value()))
                .setHeaders(headers).setTimestamp(in.timestamp()).setTopic(in.topic())
                .setPartition(in.partition()).setOffset(in.offset()).setAdmittedAt(now).setTasks(tasks).build();
        return new PendingEvent(seq, e);
    }

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

    /** True when no task is outstanding. */
    boolean allTasksEnded() {
        for (StoredTask t : entry.getTasks()) {
            if (t.getStatus() == StoredTaskStatus.OUTSTANDING) {
                return false;
            }
        }
        return true;
    }

    boolean anyTaskFailed() {
        for (StoredTask t : entry.getTasks()) {
            if (t.getStatus() == StoredTaskStatus.FAILED) {
                return true;
            }
        }
        return false;
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
