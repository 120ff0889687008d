/**
 * Operator tools as classes, each with one contract: the {@link dev.enricher.tools.EventProducer event producer}
 * and its {@link dev.enricher.tools.EventSource sources} (a file read under a
 * {@link dev.enricher.tools.BadLinePolicy bad-line policy}, the built-in sample corpus), the
 * {@link dev.enricher.tools.DeadLetterReplayer dead-letter replayer} (a bounded, transactional consume-and-produce
 * loop), the {@link dev.enricher.tools.TopicTail tail} of a topic and the
 * {@link dev.enricher.tools.JsonRendering rendering of records} as JSON, and the demo's traffic
 * ({@link dev.enricher.tools.DemoRun}).
 *
 * <p>A tool takes plain values (settings records, open Kafka clients, writers, a clock) and reports failures as
 * typed exceptions or results; it never exits the JVM, installs no shutdown hook and knows no option parser. Each
 * says on which thread it runs and what it must not be given.
 *
 * <p>May use: Kafka clients, {@code serde}, the generated Avro classes, Jackson. Never {@code cli}, {@code service}
 * or the simulator.
 */
package dev.enricher.tools;
