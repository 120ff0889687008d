package dev.enricher.cli;

import dev.enricher.bench.SerdeBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher bench serde}: the service's Avro serializer and deserializer on realistic enriched records.
 * Parses and validates; the run is {@link SerdeBenchmark}'s.
 */
@Command(name = "serde", mixinStandardHelpOptions = true,
        description = "Benchmarks the Avro serializer and deserializer on enriched records; the last line is "
                + "'bench serde: records=N serialize_rps=X deserialize_rps=Y bytes_per_record=B'.")
final class BenchSerdeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--records", defaultValue = "500000", description = "Measured records (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--warmup", defaultValue = "200000",
            description = "Unmeasured records first, each serialized and deserialized, so the JIT has compiled the "
                    + "hot path (default ${DEFAULT-VALUE}).")
    int warmup;

    @Override
    public Integer call() {
        if (records < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--records must be >= 1 and --warmup >= 0");
        }
        return new SerdeBenchmark(new SerdeBenchmark.Options(records, warmup), spec.commandLine().getOut()).run();
    }

    /** {@link SerdeBenchmark#sampleRecord}, where the other commands' tests look for a realistic enriched record. */
    static org.apache.avro.generic.GenericRecord event(long offset) {
        return SerdeBenchmark.sampleRecord(offset);
    }
}
