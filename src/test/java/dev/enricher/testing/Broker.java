package dev.enricher.testing;

import dev.enricher.local.EmbeddedKafka;
import java.nio.file.Path;

/**
 * The Kafka broker one {@link PipelineFixture} test runs on: an in-process one the fixture starts, may stop and start
 * again, and stops after the test; or one someone else runs (a container), which the fixture only connects to.
 * Called from the test's thread only.
 */
sealed interface Broker extends AutoCloseable permits Broker.Embedded, Broker.External {
    /** {@code host:port} for {@code bootstrap.servers}; the same across {@link #stop} and {@link #startAgain}. */
    String bootstrapServers();

    /**
     * Stops the broker, keeping its data.
     *
     * @throws UnsupportedOperationException when the fixture does not run it
     */
    void stop();

    /**
     * Starts a stopped broker again on the same data and port; returns once it answers.
     *
     * @throws UnsupportedOperationException when the fixture does not run it
     */
    void startAgain();

    /** Stops the broker if the fixture runs it; idempotent. */
    @Override
    void close();

    /** A single-node KRaft broker in this JVM, bound to 127.0.0.1, its data in {@code dataDir} (kept on close). */
    final class Embedded implements Broker {
        private final Path dataDir;
        private final String bootstrapServers;
        private final int port;
        private EmbeddedKafka kafka;

        Embedded(Path dataDir) {
            this.dataDir = dataDir;
            this.kafka = EmbeddedKafka.start(dataDir, 0);
            this.bootstrapServers = kafka.bootstrapServers();
            this.port = Integer.parseInt(bootstrapServers.substring(bootstrapServers.lastIndexOf(':') + 1));
        }

        @Override
        public String bootstrapServers() {
            return bootstrapServers;
        }

        @Override
        public void stop() {
            kafka.close();
        }

        @Override
        public void startAgain() {
            kafka = EmbeddedKafka.start(dataDir, port);
        }

        @Override
        public void close() {
            kafka.close();
        }
    }

    /** A broker someone else runs; the fixture neither stops nor restarts it. */
    record External(String bootstrapServers) implements Broker {
        @Override
        public void stop() {
            throw new UnsupportedOperationException("the broker at " + bootstrapServers + " is not the fixture's to stop");
        }

        @Override
        public void startAgain() {
            throw new UnsupportedOperationException("the broker at " + bootstrapServers + " is not the fixture's to start");
        }

        @Override
        public void close() {
            // not ours
        }
    }
}
