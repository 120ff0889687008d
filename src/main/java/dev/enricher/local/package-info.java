/**
 * What runs in this JVM for development and the demo: {@link dev.enricher.local.EmbeddedKafka}, a single-node KRaft
 * broker (the tests' broker too), {@link dev.enricher.local.LocalSchemaRegistry}, the in-memory schema registry over
 * the Confluent REST API that {@code local-kafka} serves next to it, and {@link dev.enricher.local.DemoEnvironment},
 * the demo's broker, simulator and service started and stopped together.
 *
 * <p>May use: Kafka (broker and clients), {@code service}, {@code config}, {@code tracing}, {@code serde} and the {@code simulator}
 * (this package and {@code cli} are the only production code allowed to start it). Nothing here knows the command
 * line.
 */
package dev.enricher.local;
