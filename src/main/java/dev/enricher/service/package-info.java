/**
 * The composition root: {@link dev.enricher.service.EnricherService} builds the running service from one
 * {@link dev.enricher.config.EnricherConfig}: the schema registry client, the output schemas' registration, the
 * metrics, the pipeline ({@code topology}, which builds the engine and the API client) and the ops endpoints, and
 * stops them together.
 *
 * <p>May use: {@code config}, {@code topology}, {@code ops}, {@code tracing}, {@code serde}, {@code client} (the model catalog) and
 * the generated Avro classes. Nothing here knows the command line: {@code cli} calls in, never the other way round.
 */
package dev.enricher.service;
