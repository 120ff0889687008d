package dev.enricher.cli;

import dev.enricher.avro.DeadLetter;
import dev.enricher.config.EnricherConfig;
import dev.enricher.serde.AvroDeserializer;
import dev.enricher.serde.SchemaRegistry;
import dev.enricher.serde.SerdeException;
import dev.enricher.tools.DeadLetterReplayer;
import dev.enricher.tools.KafkaSourceReader;
import dev.enricher.tools.ReplayCounts;
import dev.enricher.tools.TopicNotFoundException;
import dev.enricher.topology.KafkaProperties;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code stream-enricher replay-dlq}: re-publishes dead letters' original records to a topic through a
 * {@link DeadLetterReplayer}, which says what it reads, what it writes and in which transactions.
 */
@Command(name = "replay-dlq", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Re-publishes dead letters' original records to a topic, counting replays.",
            "",
            "Reads the dead-letter topic (Avro DeadLetter records, through "
                    + "--registry-url) from the beginning up to its end when the command starts, and sends each "
                    + "selected dead letter's ORIGINAL key, value and headers, byte for byte, to --to, with the "
                    + "header enricher.replay-count set to the number of times it has been replayed (1 the first "
                    + "time). A dead letter that would exceed --max-replays is refused and reported: a record that "
                    + "keeps failing cannot loop forever.",
            "",
            "Filters: --category, --since, --max; --max-replays bounds how often one record may come back. "
                    + "Nothing is committed unless --group is given.",
            "",
            "The last line on stdout is 'replay-dlq: read=N replayed=R skipped_filter=S refused_max_replays=X "
                    + "dry_run=true|false unreadable=U' (with --dry-run, replayed counts what would be replayed).",
            "",
            "With --config enricher.yaml it reaches the cluster and the registry as the service does: the file's "
                    + "kafka.bootstrap-servers, Kafka security settings (streams: security.protocol, ssl.*, sasl.*) "
                    + "and registry settings (URL, basic auth or bearer token, TLS stores), read with the same "
                    + "environment overrides; options given here override the file's.",
            "",
            "Example: stream-enricher replay-dlq --bootstrap-servers 127.0.0.1:9092 --registry-url "
                    + "http://127.0.0.1:8081 --from enricher-dlq --to raw-messages --category api_retries_exhausted "
                    + "--since 2h --dry-run",
            "         stream-enricher replay-dlq --config enricher.yaml --from enricher-dead-letters --to raw-events"},
        footer = {"", "Exit codes: 0 done, 1 Kafka or the registry failed or some dead letters could not be read "
                + "(the message says which), 2 a bad option."})
final class ReplayDlqCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ServiceConfigOption serviceConfig;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    RegistryOptions registryOptions;

    @Option(names = "--from", required = true, paramLabel = "DLQ_TOPIC", description = "The dead-letter topic to read.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TOPIC",
            description = "Where the original records go, usually the service's input topic.")
    String to;

    @Mixin
    DeadLetterSelection selection;

    @Mixin
    ReplayCommitOptions commit;

    /** Set by tests instead of --registry-url; null in production. */
    SchemaRegistry registry;

    /** For --since durations; tests may set another. */
    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EnricherConfig service = serviceConfig.load(spec);
        DeadLetterReplayer.Settings settings = validate(service);
        SchemaRegistry reg = registry != null ? registry : registryOptions.open(spec, service);
        ReplayCounts counts = new ReplayCounts(0, 0, 0, 0, 0);
        String failure = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                kafka.clientConfig(DeadLetterReplayer.consumerSettings(commit.group), service,
                        KafkaProperties.Client.CONSUMER));
             KafkaProducer<byte[], byte[]> producer = commit.dryRun ? null : new KafkaProducer<>(
                     kafka.clientConfig(DeadLetterReplayer.producerSettings(commit.transactionalId(from, to)), service,
                             KafkaProperties.Client.PRODUCER));
             KafkaSourceReader sources = new KafkaSourceReader(new KafkaConsumer<>(kafka.clientConfig(
                     KafkaSourceReader.consumerSettings(), service, KafkaProperties.Client.CONSUMER)))) {
            DeadLetterReplayer replayer = new DeadLetterReplayer(consumer, producer,
                    AvroDeserializer.specific(DeadLetter.class, reg), settings, report(out, err), System::nanoTime)
                    .sources(sources);
            try {
                replayer.run();
            } catch (KafkaException e) {
                failure = explain(e);
            } finally {
                counts = replayer.counts();
            }
        } catch (KafkaException e) {
            failure = failure != null ? failure : kafka.failed(e);
        }
        if (failure != null) {
            err.println("replay-dlq: " + failure);
        }
        out.printf("replay-dlq: read=%d replayed=%d skipped_filter=%d refused_max_replays=%d dry_run=%s "
                + "unreadable=%d%n", counts.read(), counts.replayed(), counts.skippedFilter(), counts.refused(),
                commit.dryRun, counts.unreadable());
        out.flush();
        err.flush();
        return failure != null || counts.unreadable() > 0 ? 1 : 0;
    }

    private DeadLetterReplayer.Settings validate(EnricherConfig service) {
        kafka.validate(spec, service);
        if (from.equals(to)) {
            throw new ParameterException(spec.commandLine(), "--to " + to + " is the dead-letter topic itself: "
                    + "give the topic the records should be replayed to (usually the service's input topic)");
        }
        var plan = selection.plan(spec, clock.instant());
        commit.validate(spec);
        if (registry == null && !registryOptions.given(service)) {
            throw new ParameterException(spec.commandLine(), "--registry-url is required: dead letters are Avro "
                    + "records whose schema the registry holds (e.g. --registry-url http://127.0.0.1:8081, or "
                    + "--config with the service's configuration"
                    + (service != null ? ", whose registry.url 'memory' no other process can read" : "") + ")");
        }
        return new DeadLetterReplayer.Settings(from, to, plan, selection.max, commit.group);
    }

    /** Dry-run documents on stdout, records left alone on stderr. */
    private static DeadLetterReplayer.ReplayReport report(PrintWriter out, PrintWriter err) {
        return new DeadLetterReplayer.ReplayReport() {
            @Override
            public void wouldReplay(String json) {
                out.println(json);
            }

            @Override
            public void leftAlone(String where, String why) {
                err.println("replay-dlq: " + where + ": " + why);
            }
        };
    }

    /** What went wrong, and which option to check. */
    private String explain(KafkaException e) {
        if (e instanceof TopicNotFoundException missing) {
            return kafka.missing(missing, "--from");
        }
        if (e instanceof SerdeException) {
            return e.getMessage() + " (" + RegistryOptions.check() + ")";
        }
        if (e instanceof ProducerFencedException) {
            return "another replay-dlq with transactional id " + commit.transactionalId(from, to) + " started and "
                    + "fenced this one: let one run at a time, or give --transactional-id";
        }
        return e instanceof DeadLetterReplayer.RolledBack || e instanceof DeadLetterReplayer.Stalled ? e.getMessage()
                : kafka.failed(e);
    }
}
