/**
 * The benchmark contenders that ship in this jar, each run by {@code stream-enricher bench peers} in a child JVM of
 * its own ({@link dev.enricher.bench.peers.PeerMain}): this project's pipeline ({@code EnginePeer}) and plain Kafka
 * Streams with a blocking call or none ({@code StreamsPeer}), and what every contender shares: its command line and
 * ready/JIT lines ({@link dev.enricher.bench.peers.PeerArgs}) and its input decoding and Avro output
 * ({@link dev.enricher.bench.peers.PeerRecords}).
 *
 * <p>A package apart from the harness ({@code dev.enricher.bench}) because it is the other side of a process
 * boundary, and because the Parallel Consumer peer ({@code bench/peers/}, a Maven project on Vert.x 4) compiles
 * {@code PeerArgs} and {@code PeerRecords} from this tree by path: those two may use only the JDK, Jackson, Avro, the
 * generated Avro classes, the client's wire types, the tasks, {@code topology.OutputSchema} and
 * {@code serde.GeneratedClassTrust} (the list in {@code bench/peers/pom.xml}), never Vert.x nor the harness. The
 * contenders here may use the service's packages; nothing here uses {@code dev.enricher.bench} or {@code cli}.
 */
package dev.enricher.bench.peers;
