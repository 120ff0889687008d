/**
 * The Kafka Streams pipeline: input topic, decode, engine, then the enriched and dead-letter topics
 * ({@link dev.enricher.topology.EnrichmentPipeline}, configured by {@link dev.enricher.topology.PipelineSettings}).
 *
 * <p><b>Owns</b> the topology and the records it writes: {@link dev.enricher.topology.RecordAssembler} turns a finished
 * event into the enriched record (envelope, model calls, failed tasks, redaction) or the dead letter with its
 * headers. It knows no task type: each configured task's {@link dev.enricher.tasks.TaskType} names the field its
 * results fill, gives each result's Avro form and says whether the task redacts the text, so a new task type changes
 * nothing here. {@link dev.enricher.topology.KafkaProperties} says what Kafka makes of the properties passed through
 * to Kafka Streams: which are secrets (never printed), which a plain client of the same cluster needs.
 *
 * <p><b>May use</b> Kafka Streams, the engine, the client, serde, the tasks' registry and the generated
 * {@code dev.enricher.avro} classes; not the command line, nor the simulator.
 */
package dev.enricher.topology;
