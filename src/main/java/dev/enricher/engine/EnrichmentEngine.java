package dev.enricher.engine;

import dev.enricher.client.ZeroGpuClient;
import dev.enricher.serde.decode.InputDecoder;
import dev.enricher.tasks.EnrichmentTask;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.common.utils.Bytes;

/**
 * One instance's engine: the shared in-flight cap and dispatcher, the circuit, the counters, and the supplier of the
 * per-stream-task processors. See {@code package-info} for the design.
 */
public final class EnrichmentEngine implements AutoCloseable {
    /** Child name the processor forwards enriched records to. */
    public static final String ENRICHED = "enriched";
    /** Child name the processor forwards dead letters to. */
    public static final String DEAD_LETTERS = "dead-letters";

    public EnrichmentEngine(EngineConfig config, List<EnrichmentTask> tasks, InputDecoder decoder, EventSink sink,
                            ZeroGpuClient client) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The processor supplier; its processors use the store {@code storeName}, connected by the supplier. */
    public ProcessorSupplier<byte[], byte[], byte[], byte[]> processorSupplier(String storeName) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The changelogged pending store. */
    public StoreBuilder<KeyValueStore<Bytes, byte[]>> storeBuilder(String storeName) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Set once the KafkaStreams instance exists; until then an opening circuit only stops sending. */
    public void instanceControl(InstanceControl control) {
        throw new UnsupportedOperationException("not yet");
    }

    public EngineStats stats() {
        throw new UnsupportedOperationException("not yet");
    }

    public CircuitState circuitState() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stops the prober. The client is the caller's. */
    @Override
    public void close() {
    }
}
