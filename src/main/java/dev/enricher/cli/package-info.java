/**
 * The commands users run ({@link dev.enricher.cli.Main} and one class per command, with the option mixins they
 * share). A command parses, validates, delegates to the package that does the work ({@code service},
 * {@code tools}, {@code local}, the benchmark harness) and returns an exit code: 0 done, 1 it failed (the message
 * says why and which option to check), 2 a bad option. Only {@code Main.main} exits the JVM; only a command
 * installs a shutdown hook ({@code StopOnSignal}), which asks the command to stop and lets it finish on its own
 * thread.
 *
 * <p>May use every other package. Nothing depends on it.
 */
package dev.enricher.cli;
