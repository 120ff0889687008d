/**
 * The async enrichment engine: remote calls of 50 ms to seconds inside Kafka Streams, without blocking the stream
 * thread and without losing a record on a crash.
 *
 * <h2>Design note</h2>
 * Kafka Streams commits a record's offset once {@code process()} returns, so an answer that arrives later has no
 * home unless the record was kept. Like Flink's async I/O, the engine keeps it in state: each admitted record is
 * written to a changelogged key-value store (the {@link dev.enricher.engine.PendingStore pending store}, keyed by an
 * admission sequence number) together with its tasks' progress (attempts, next retry time, partial results), before
 * its calls can be answered. Commits therefore never wait for the API; a crash loses nothing, since the next owner of
 * the task restores the store and re-sends what was outstanding (an in-flight call may be paid for twice).
 *
 * <p>Threads. One {@code EnrichmentProcessor} per stream task owns all its state and runs on its stream thread only.
 * Calls leave through the instance-wide {@code Dispatcher} and its one {@link dev.enricher.client.Admission}, the only
 * owner of the in-flight cap, the adaptive limit (429 storms lower it), the rate limit and the turns between stream
 * tasks (each task's {@code Lane} is served in turn, so a flooded task cannot starve a small one, whatever the
 * limit). Below it the {@link dev.enricher.client.ChatTransport} makes one attempt and never retries. Answers arrive
 * on transport threads, which only (a) free the slot and send the next waiting call themselves (slots are refilled
 * at once) and (b) enqueue an immutable {@code Completion} on the lane. The stream thread drains completions in {@code process()} and in a short wall-clock
 * punctuator, and it alone writes the store and forwards: the output record and the deletion of its entry happen in
 * one step, so under {@code exactly_once_v2} they commit in one transaction with the consumed offsets.
 *
 * <p>Paying once. With call results kept ({@link dev.enricher.engine.EnrichmentEngine#callResults}), each call carries
 * a content key ({@link dev.enricher.results.CallKey}); the dispatcher answers a call from the stored answers when
 * one is there, and a call identical to one on the wire waits for that one's answer. The processor forwards every
 * answer it accepts (and every answer that arrives after its event ended, when it has the task's shape) to the
 * call-results topic in the same step as the pending store's write of it, so the record commits with it.
 *
 * <p>Order. An {@code EmissionQueue} decides when a finished event may leave: {@code KeyOrderedQueue} (per-key FIFO,
 * dead letters keep their place) or {@code UnorderedQueue}; calls always run concurrently, only results wait.
 *
 * <p>Bounds. HTTP calls: at most {@code maxInFlight} per instance. Memory: at most {@code maxPendingPerTask} events
 * per stream task; a record arriving over it waits in {@code process()} for a slot, bounded per call and per
 * processing pass far below the EOS transaction timeout (10 s) and {@code max.poll.interval.ms}; if the wait runs out
 * the record is parked in the store (on disk) and promoted in admission order as slots free.
 *
 * <p>Errors are sorted by who can fix them. RECORD (400, 413, 420 context, unparseable answer): dead letter at once.
 * TRANSIENT (408, 429, 5xx, timeouts, resets): retried by the processor, the one owner of a pipeline call's retries,
 * per the {@link dev.enricher.client.RetryPolicy}, with the attempt count and next retry time persisted in the
 * {@code PendingEvent} (its {@code RetryTimers} fire on the stream thread), then dead-lettered. OPERATOR (401, 403, quota) or a sustained outage:
 * the {@code Circuit} opens, the call is held back unanswered (no attempt counted), nothing else is sent, the
 * instance is paused through {@link dev.enricher.engine.InstanceControl} (keeping its group membership), and a probe
 * re-sends one held call with backoff until the API answers; then it closes and resumes.
 *
 * <p>Time. Wall-clock times come from {@code EngineConfig.clock()}; the circuit's outage window and probes, and the
 * admission's limits, from an injected {@link dev.enricher.client.Ticker} and {@link dev.enricher.client.Scheduler}.
 *
 * <p>May use: {@code client} (its exported values, the transport and the admission; never Vert.x), {@code tasks},
 * {@code results}, {@code serde}, Kafka Streams, Avro (the pending entry's generated classes). Nothing of {@code topology} or above.
 *
 * <p>Incarnations. Answers for a task that has since closed (rebalance, crash recovery) are dropped: each processor
 * instance has its own lane, closed with it.
 */
package dev.enricher.engine;
