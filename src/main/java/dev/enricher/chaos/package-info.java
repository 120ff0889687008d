/**
 * Proof under chaos: {@link dev.enricher.chaos.ChaosRun} runs instances of the real service in child JVMs against the
 * in-process broker and the simulator, produces a keyed {@link dev.enricher.chaos.ChaosStream stream} with record
 * faults at a known rate, injects a seeded {@link dev.enricher.chaos.FaultSchedule schedule} of faults (kills,
 * graceful stops, broker restarts, API outages, 429 storms, slow answers, connection resets), and then checks the
 * topics exactly ({@code Checker}): every input once, per key in order, every answer on the record that asked for it
 * (the simulator's answers are a pure function of the request, so each result can be recomputed), dead letters only
 * for record faults, paid calls against the least the inputs need, and the API key in no log.
 *
 * <p>May use: {@code local} (the broker), the simulator, {@code config} (to read the configuration the instances run
 * with), {@code tasks} (to recompute results), {@code client} (the wire format of a request), {@code serde}, the
 * generated Avro classes, {@code tools} (pacing, the sample corpus), Kafka clients. Never {@code cli}, the engine or
 * the service: the instances are separate JVMs, reached through the topics and their logs only.
 */
package dev.enricher.chaos;
