package dev.enricher.cli;

import picocli.CommandLine.Command;

/** Placeholder until the client benchmark lands. */
@Command(name = "client", description = "Benchmarks the ZeroGPU client against the in-process simulator.")
final class BenchClientCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("not built yet");
    }
}
