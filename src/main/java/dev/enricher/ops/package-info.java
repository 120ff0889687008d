/**
 * Operating the service: the HTTP endpoints for liveness, readiness and Prometheus metrics ({@code OpsServer}), what
 * they report ({@code Health}), and the service's own meters ({@code ServiceMetrics}: calls, latency, outputs, tokens
 * and cost per model, the circuit, pending events), bound to a running pipeline.
 *
 * <p>May use: {@code topology} (the running pipeline and its Kafka Streams instance), {@code engine} (its stats and
 * call observer), {@code client} (the model catalog's prices), Micrometer and the JDK's HTTP server. Nothing here is
 * on the data path: a meter that fails never breaks a call.
 */
package dev.enricher.ops;
