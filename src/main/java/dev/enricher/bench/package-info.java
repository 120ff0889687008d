/**
 * Benchmark harnesses: programs that print figures, never timed assertions. {@code bench client}
 * ({@link dev.enricher.bench.ClientBenchmark}), {@code bench serde} ({@link dev.enricher.bench.SerdeBenchmark}),
 * {@code bench pipeline} ({@link dev.enricher.bench.PipelineBenchmark}, with the naive design next to it) and
 * {@code bench peers} ({@link dev.enricher.bench.PeersBenchmark}: this pipeline against other designs, each in a
 * child JVM of its own; the contenders themselves are in {@code dev.enricher.bench.peers}) and {@code bench scale}
 * ({@link dev.enricher.bench.ScaleBenchmark}: 1, 2, 4 ... instances of the {@code run} command in child JVMs, one
 * consumer group).
 *
 * <p>Owns what they share: the simulated API they run against, the closed-loop load generator, the
 * {@code read_committed} output tracker that accounts for every input, the CPU snapshots, the one
 * "warm up until the JIT is quiet" rule ({@code JitWarmUp}), the heap sampler, the sweep's CSV and plot.
 *
 * <p>Contract of every harness: it prints to the writer it is given, its summary line (documented in the README) is
 * the last line it prints, and only after everything it started (broker, simulator, pipeline, clients, child JVMs)
 * is closed, so that nothing they log can follow it; it returns the exit code. Exported: the harnesses, their
 * {@code Options}, and what a command needs to validate its options ({@link dev.enricher.bench.BenchTasks},
 * {@link dev.enricher.bench.PeersBenchmark.Contender}, {@link dev.enricher.bench.PeersBenchmark.Point}); the rest
 * is package-private.
 *
 * <p>May use every other package of the service, the simulator and the embedded broker; never {@code cli}: the
 * commands parse and validate, then hand plain values to a harness.
 */
package dev.enricher.bench;
