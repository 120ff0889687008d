package dev.enricher.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Apache Kafka broker in KRaft mode (combined broker and controller), run in this JVM, for
 * tests, the demo and development. Both listeners bind 127.0.0.1 only; every replication factor is 1, so
 * idempotent and transactional producers (and Kafka Streams' {@code exactly_once_v2}) work.
 *
 * <p>Lifecycle: {@link #start} formats the data directory if it is new (as {@code kafka-storage.sh format}
 * does, through {@link StorageTool}), starts a {@link KafkaRaftServer} and returns only once the broker
 * answers requests. {@link #close} shuts the server down and waits for it; it is idempotent. A data
 * directory given by the caller survives {@code close} and a later {@code start} on it finds its topics
 * and records again (the ports may differ); a temporary one is deleted by {@code close}.
 *
 * <p>Threads: the server runs on its own threads (network, request handlers, raft, log cleaner...), all
 * stopped by {@code close}. The methods of this class are safe to call from any thread; {@code start}
 * and {@code close} block the caller.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final int NODE_ID = 1;
    private static final long STARTUP_TIMEOUT_MS = 30_000;
    private static final long ADMIN_TIMEOUT_MS = 30_000;

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final String bootstrapServers;
    private Admin admin;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path dataDir, boolean deleteOnClose, String bootstrapServers) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * Starts a broker and blocks until it accepts requests (at most about 30 s).
     *
     * @param dataDir the log directory; {@code null} for a temporary one that {@link #close} deletes
     * @param port the client (PLAINTEXT) port on 127.0.0.1; 0 for a free one. The controller listener
     *     always takes a free port.
     * @throws IllegalStateException if the broker fails to start or is not ready in time (it is shut down)
     */
    public static EmbeddedKafka start(Path dataDir, int port) {
        boolean temp = dataDir == null;
        Path dir;
        try {
            dir = temp ? Files.createTempDirectory("embedded-kafka-") : Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data directory", e);
        }
        KafkaRaftServer server = null;
        String bootstrap;
        try {
            int brokerPort = port == 0 ? freePort() : port;
            int controllerPort = freePort();
            Properties props = config(dir.toAbsolutePath(), brokerPort, controllerPort);
            format(dir, props);
            server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            bootstrap = "127.0.0.1:" + brokerPort;
        } catch (RuntimeException | Error e) {
            stopQuietly(server, e);
            if (temp) {
                deleteRecursively(dir);
            }
            throw new IllegalStateException("embedded Kafka failed to start in " + dir + ": " + e.getMessage(), e);
        }
        EmbeddedKafka kafka = new EmbeddedKafka(server, dir, temp, bootstrap);
        try {
            kafka.awaitReady();
        } catch (RuntimeException e) {
            try {
                kafka.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return kafka;
    }

    /** {@code 127.0.0.1:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader. A topic
     * that already exists with this name is left as it is.
     */
    public void createTopic(String name, int partitions) {
        Admin a = admin();
        try {
            try {
                a.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
                        .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name, e.getCause());
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ADMIN_TIMEOUT_MS);
            while (true) {
                try {
                    var description = a.describeTopics(List.of(name)).allTopicNames()
                            .get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).get(name);
                    if (description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                        return;
                    }
                } catch (ExecutionException e) {
                    // UnknownTopicOrPartition until the metadata reaches the broker: retry
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has no leaders after " + ADMIN_TIMEOUT_MS + " ms");
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
    }

    /**
     * Shuts the broker down and waits until its threads have stopped; deletes the data directory if it
     * was a temporary one. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (admin != null) {
                admin.close(java.time.Duration.ofSeconds(5));
            }
        } finally {
            try {
                server.shutdown();
                server.awaitShutdown();
            } finally {
                if (deleteOnClose) {
                    deleteRecursively(dataDir);
                }
            }
        }
    }

    private synchronized Admin admin() {
        if (closed) {
            throw new IllegalStateException("embedded Kafka is closed");
        }
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT_MS));
        }
        return admin;
    }

    private void awaitReady() {
        try {
            var nodes = admin().describeCluster().nodes().get(STARTUP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            if (nodes.isEmpty()) {
                throw new IllegalStateException("embedded Kafka reports no broker");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("embedded Kafka at " + bootstrapServers + " not ready after "
                    + STARTUP_TIMEOUT_MS + " ms", e);
        }
    }

    private static Properties config(Path dir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // A static quorum: the voter is read from this config on every start, so the controller port may change.
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.toString());
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB dedupe buffer is meant for production brokers.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        return p;
    }

    /** Formats the directory on first use, as {@code kafka-storage.sh format --ignore-formatted} would. */
    private static void format(Path dir, Properties props) {
        if (Files.exists(dir.resolve("meta.properties"))) {
            return;
        }
        try {
            Path configFile = Files.createTempFile("embedded-kafka-", ".properties");
            try {
                try (OutputStream out = Files.newOutputStream(configFile)) {
                    props.store(out, "embedded Kafka");
                }
                ByteArrayOutputStream output = new ByteArrayOutputStream();
                int rc;
                try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                    rc = StorageTool.execute(new String[] {"format", "--config", configFile.toString(),
                            "--cluster-id", Uuid.randomUuid().toString(), "--ignore-formatted"}, print);
                }
                if (rc != 0) {
                    throw new IllegalStateException("formatting " + dir + " failed (" + rc + "): "
                            + output.toString(StandardCharsets.UTF_8));
                }
            } finally {
                Files.deleteIfExists(configFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot format " + dir, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByAddress(new byte[] {127, 0, 0, 1}))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }

    private static void stopQuietly(KafkaRaftServer server, Throwable failure) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort: a file still held open is left behind
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }
}
