/**
 * Enrichment tasks: per task type, how a task is built from configuration, how its request is built from an
 * event's text, how the answer's {@code content} is parsed into a typed, immutable
 * {@link dev.enricher.tasks.TaskResult}, and how that result is written into the enriched record (its Avro schema
 * and mapping).
 *
 * <p><b>Owns</b> the task types and their registry {@link dev.enricher.tasks.TaskType}: the only list of types.
 * <b>May use</b> the client's values ({@code ChatRequest}, {@code ChatCompletion}, {@code ZeroGpuException},
 * {@code ModelCatalog}), Jackson, Avro and the generated {@code dev.enricher.avro} classes, Mustache (prompt
 * templates), the JSON Schema validator (structured answers) and CEL (task conditions); never Kafka, Vert.x,
 * the engine or the simulator (ArchUnit keeps it so).
 *
 * <p><b>Adding a task type</b> is one new class and one line: the task record (request and parse) with its nested
 * {@code Definition} (a {@code TypeDefinition}: default name and model, option keys and how they are read, result
 * schema, result to Avro), plus its result record and the result's Avro record in {@code schemas/results/} (each
 * task of the type gets a field of that type, named by the task, in the enriched record's {@code results}); then
 * one constant in {@code TaskType}. {@code TaskTypeContractTest} then checks it end to end once it has an example there.
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
 *     configuration) through the spec's type, with messages that name the task, the option and what is valid.</li>
 * <li>Offsets into the text (PII spans) are Unicode code points, as the API's Python models count them, and are
 *     published as given; they are checked against the request's text ({@code EnrichmentTask#parse(ChatCompletion,
 *     String)}, what the engine calls) and converted to UTF-16 indexes only where Java slices with them
 *     ({@code CodePointSpans}).</li>
 * <li>A type may redact: its task's redacted text then replaces the event's text
 *     ({@link dev.enricher.tasks.TaskType#redacts}); today only PII with usecase {@code redact} does.</li>
 * </ul>
 */
package dev.enricher.tasks;
