package dev.enricher.cli;

import dev.enricher.tools.BadLinePolicy;
import dev.enricher.tools.EventKeys;
import dev.enricher.tools.EventSource;
import dev.enricher.tools.FileEvents;
import dev.enricher.tools.LineFormat;
import dev.enricher.tools.SampleCorpus;
import dev.enricher.tools.SampleEvents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Where {@code produce} takes its events from (a file or the sample corpus) and how it keys them. */
final class EventSourceOptions {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--file", paramLabel = "FILE", required = true,
                description = "One event per line (JSON Lines, or text with --format text).")
        Path file;

        @Option(names = "--sample", paramLabel = "N", required = true,
                description = "N events generated from the built-in sample corpus.")
        Long sample;
    }

    @Option(names = "--format", defaultValue = "JSON",
            description = "How --file lines are read: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "TEXT sends every line as it is and never reports one as bad.")
    LineFormat format;

    @Option(names = "--on-bad-line", defaultValue = "SEND",
            description = "A --file line that is not a JSON object: ${COMPLETION-CANDIDATES} (default: "
                    + "${DEFAULT-VALUE}; send it as it is, to become a dead letter downstream).")
    BadLinePolicy onBadLine;

    @Option(names = "--seed", defaultValue = "42",
            description = "Seed of the --sample events (default: ${DEFAULT-VALUE}).")
    long seed;

    @ArgGroup(exclusive = true)
    Keys keys;

    static final class Keys {
        @Option(names = "--key-field", paramLabel = "FIELD",
                description = "Key each event by this top-level field or JSON Pointer (/a/b) (default: id).")
        String keyField;

        @Option(names = "--keys", paramLabel = "K", description = "Spread events over K keys, key-0..key-(K-1).")
        Integer keyCount;
    }

    /** @throws ParameterException naming the option whose value cannot be used */
    void validate(CommandSpec spec) {
        if (input.sample != null && input.sample < 1) {
            throw new ParameterException(spec.commandLine(), "--sample " + input.sample + " must be at least 1");
        }
        if (input.file != null && !Files.isReadable(input.file)) {
            throw new ParameterException(spec.commandLine(), "--file " + input.file + " is not a readable file");
        }
        if (keys != null && keys.keyCount != null && keys.keyCount < 1) {
            throw new ParameterException(spec.commandLine(), "--keys " + keys.keyCount + " must be at least 1");
        }
        if (keys != null && keys.keyField != null) {
            if (keys.keyField.isBlank()) {
                throw new ParameterException(spec.commandLine(), "--key-field is blank: give a field name such as id");
            }
            if (input.file != null && format == LineFormat.TEXT) {
                throw new ParameterException(spec.commandLine(), "--key-field needs JSON lines: with --format text "
                        + "use --keys K, or no key option for unkeyed events");
            }
            if (input.sample != null && !List.of("id", "text", "source", "/id", "/text", "/source")
                    .contains(keys.keyField)) {
                throw new ParameterException(spec.commandLine(), "--key-field " + keys.keyField + ": sample events "
                        + "have only the fields id, text and source");
            }
        }
    }

    /** How many events there will be: {@code --sample}, or a first pass over the file when {@code count}, else -1. */
    long total(boolean count) throws IOException {
        return input.sample != null ? input.sample : count ? FileEvents.count(input.file) : -1;
    }

    /**
     * Opens the source.
     *
     * @param badLines receives the report of each bad line of a file
     */
    EventSource open(Consumer<String> badLines) throws IOException {
        EventKeys eventKeys = keys != null && keys.keyCount != null ? EventKeys.roundRobin(keys.keyCount)
                : EventKeys.field(keys != null && keys.keyField != null ? keys.keyField : "id");
        return input.sample != null ? new SampleEvents(SampleCorpus.load(), input.sample, seed, eventKeys)
                : new FileEvents(input.file, format, onBadLine, eventKeys, badLines);
    }
}
