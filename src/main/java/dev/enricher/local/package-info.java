/**
 * The local environment for the demo, development and tests: a real single-node Kafka KRaft broker in-process
 * ({@code EmbeddedKafka}: formatted with Kafka's {@code StorageTool}, listeners on 127.0.0.1, replication factors 1,
 * transactions working), started on a data directory that survives a restart.
 *
 * <p>May use: Kafka's server and client jars. Production code never depends on it.
 */
package dev.enricher.local;
