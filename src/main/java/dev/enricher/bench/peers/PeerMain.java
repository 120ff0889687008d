package dev.enricher.bench.peers;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the benchmark contenders that ship in this jar, each run by {@code stream-enricher bench peers} in a
 * child JVM of its own so that its CPU time and peak RSS are its own:
 * {@code java -cp stream-enricher.jar dev.enricher.bench.peers.PeerMain KIND --option value ...} with KIND one of
 * {@code engine} (this project's pipeline), {@code streams-blocking} (Kafka Streams, a blocking call per record) and
 * {@code streams-passthrough} (the same topology without a call). Options: {@link PeerArgs}. Prints
 * {@value PeerArgs#READY_LINE} once consuming; runs until SIGTERM, then closes cleanly. Exit code 2 on bad arguments.
 */
public final class PeerMain {
    private PeerMain() {
    }

    public static void main(String[] argv) throws Exception {
        PrintStream err = System.err;
        if (argv.length < 1) {
            err.println("usage: PeerMain engine|streams-blocking|streams-passthrough --option value ...");
            System.exit(2);
        }
        AutoCloseable peer;
        try {
            PeerArgs args = PeerArgs.parse(Arrays.asList(argv).subList(1, argv.length));
            peer = switch (argv[0]) {
                case "engine" -> EnginePeer.start(args);
                case "streams-blocking" -> StreamsPeer.start(args, true);
                case "streams-passthrough" -> StreamsPeer.start(args, false);
                default -> throw new IllegalArgumentException("unknown contender '" + argv[0]
                        + "'; known: engine, streams-blocking, streams-passthrough");
            };
        } catch (IllegalArgumentException e) {
            err.println("peer: " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                peer.close();
            } catch (Exception e) {
                err.println("peer: closing failed: " + e);
            } finally {
                closed.countDown();
            }
        }, "peer-shutdown"));
        PeerArgs.announceReady();
        closed.await();
    }
}
