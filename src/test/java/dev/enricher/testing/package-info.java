/**
 * Fixtures shared by the tests of several packages: {@link dev.enricher.testing.PipelineFixture} (a broker, the
 * simulator, topics, a producer and read_committed {@link dev.enricher.testing.OutputReader}s around the pipelines
 * under test, with the invariants every pipeline test keeps), a real Apicurio Registry
 * ({@link dev.enricher.testing.ApicurioRegistry}) and seeded hostile inputs ({@link dev.enricher.testing.RandomInputs}).
 *
 * <p>May use the project's public types (topology, engine stats, client configuration, serde, simulator, local
 * broker) and the test libraries; owns no assertion of a particular scenario: those stay in the tests.
 */
package dev.enricher.testing;
