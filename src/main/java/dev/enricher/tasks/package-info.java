/**
 * Enrichment tasks: per model family, how a request is built from an event's text and how the answer's
 * {@code content} is parsed into a typed, immutable {@link dev.enricher.tasks.TaskResult}.
 *
 * <p>Design notes.
 * <ul>
 * <li>Tasks are records: immutable configuration, value equality, thread-safe; one instance serves every stream
 *     thread. Null name or model means the {@link dev.enricher.tasks.TaskType}'s default.</li>
 * <li>Parsing failures have one exit: {@code ContentParser} turns every shape problem into
 *     {@link dev.enricher.client.ZeroGpuException#unparseableContent} (RECORD: the event is dead-lettered with the
 *     raw content). Reasons say what was expected, the JSON type found and the JSON path, never the content:
 *     content may hold personal data and is already kept as the raw content.</li>
 * <li>Strict with the documented core shape, lenient with documented-optional fields; a present field of the
 *     wrong type is always refused.</li>
 * <li>{@link dev.enricher.tasks.TaskFactory} builds tasks from a {@link dev.enricher.tasks.TaskSpec} (the YAML
 *     configuration), with messages that name the task, the option and what is valid.</li>
 * </ul>
 */
package dev.enricher.tasks;
