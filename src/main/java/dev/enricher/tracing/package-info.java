/**
 * Tracing: each event's way through the service as OpenTelemetry spans, across the async boundary that generic
 * instrumentation cannot follow (a call made later, from another thread, possibly by another instance after a
 * restart).
 *
 * <p>Owns the OpenTelemetry SDK: {@link dev.enricher.tracing.Tracing} builds it from the {@code tracing.*} keys
 * ({@link dev.enricher.tracing.TracingSettings}) and the standard {@code OTEL_*} variables through the SDK's own
 * autoconfigure, and closes it (flushing what is buffered). {@link dev.enricher.tracing.OtelEventTracer} implements the
 * engine's {@link dev.enricher.engine.EventTracer}: the event's span (its parent is the input's W3C
 * {@code traceparent}), child spans for the wait for a call slot, each API call attempt (named and attributed per the
 * OpenTelemetry semantic conventions for generative AI clients), retry back-offs and the wait for the key's turn.
 * {@link dev.enricher.tracing.TraceWaterfall} draws one trace as a picture.
 *
 * <p>Off by default: then no tracer is given to the engine, which makes no call for tracing at all.
 *
 * <p>May use: OpenTelemetry, the engine's tracing interface and input record, the client's values (answers, errors).
 * Nothing depends on it but {@code service}, {@code cli} and {@code bench}.
 */
package dev.enricher.tracing;
