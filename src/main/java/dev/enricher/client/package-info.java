/**
 * The ZeroGPU (or any OpenAI-compatible) chat-completions client: request and answer values, one typed error for
 * every failure shape, and who may send what when. No Kafka here (an ArchUnit rule keeps it so), and nothing of the
 * rest of the service; it may use Vert.x, Jackson and SLF4J.
 *
 * <h2>Who owns what</h2>
 * <ul>
 * <li>{@link dev.enricher.client.ChatTransport} ({@code VertxTransport}): one HTTP attempt, and the turning of every
 *     answer into a {@link dev.enricher.client.ChatCompletion} or a {@link dev.enricher.client.ZeroGpuException} with
 *     its {@link dev.enricher.client.Disposition} (RECORD, TRANSIENT, OPERATOR; {@code ErrorClassifier}). It never
 *     retries, queues or limits.</li>
 * <li>{@link dev.enricher.client.Admission}: the one owner of the in-flight cap, the adaptive limit that 429 storms
 *     lower ({@code AimdLimit}), the requests-per-second limit ({@code TokenBucket}) and the turns between the callers
 *     sharing them (round robin over lanes). The engine has one per instance, with a lane per stream task; a
 *     standalone client has one of its own.</li>
 * <li>Retries belong to whoever keeps a call's attempts, and to no one else, so a call is never retried by two
 *     layers: in the pipeline, the engine (attempts and the next retry time are persisted in its store); for a
 *     standalone {@link dev.enricher.client.ZeroGpuClient} ({@code RetryingClient}: transport + admission + in-memory
 *     retries), the client. Both decide with one {@link dev.enricher.client.RetryPolicy}.</li>
 * <li>Time: {@link dev.enricher.client.Ticker} and {@link dev.enricher.client.Scheduler}, injected, so limits,
 *     backoffs and probes are tested by moving time.</li>
 * </ul>
 *
 * <p>Secrets: the {@link dev.enricher.client.ApiKey} is masked in every {@code toString} and scrubbed from every
 * error field.
 */
package dev.enricher.client;
