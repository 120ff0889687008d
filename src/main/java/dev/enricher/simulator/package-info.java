/**
 * A ZeroGPU-compatible chat-completions server for tests, the demo and benchmarks ({@code Simulator}, on Vert.x,
 * bound to loopback): the documented envelope and errors, per-model answers that are a pure function of the request
 * (PII offsets into the input, IAB names from the real taxonomies, deberta scores over exactly the given labels),
 * per-model latency, a concurrency ceiling, and faults injected on a seeded schedule or switched at run time through
 * admin endpoints.
 *
 * <p>May use: {@code client}'s model catalog and message values, Vert.x, Jackson. Production code never depends on
 * it: only the commands that start it, the local environment and the benchmark harness do (an ArchUnit rule keeps
 * it so).
 */
package dev.enricher.simulator;
