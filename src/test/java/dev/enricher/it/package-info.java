/**
 * Integration tests: the pipeline on a real broker (the in-process KRaft one; a Testcontainers one where Docker
 * exists) against the simulator, one scenario per class (key order, API errors, outages, operator errors, bad input,
 * bounded memory, broker restart, crash in a child JVM, rebalance), and the client against the simulator.
 *
 * <p>The set-up, the producing and the reading back come from {@code dev.enricher.testing.PipelineFixture}; each
 * class keeps only its scenario and its assertions.
 */
package dev.enricher.it;
