package dev.enricher.cli;

import picocli.CommandLine.Command;

/** Placeholder until the simulator lands in this branch. */
@Command(name = "simulator", description = "Runs a ZeroGPU-compatible API simulator.")
final class SimulatorCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("simulator not built yet");
    }
}
