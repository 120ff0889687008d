package dev.enricher.topology;

import dev.enricher.engine.EventSink;
import dev.enricher.engine.FinishedEvent;
import dev.enricher.serde.SchemaRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Record;

/** PLACEHOLDER until the real assembler lands (branch assembler): ids only. */
public final class RecordAssembler implements EventSink {
    static RecordAssembler create(PipelineSettings s, SchemaRegistry r) {
        return new RecordAssembler();
    }

    @Override
    public Record<byte[], byte[]> enriched(FinishedEvent e, long now) {
        return new Record<>(e.input().key(), (e.input().partition() + ":" + e.input().offset()).getBytes(StandardCharsets.UTF_8), e.input().timestamp());
    }

    @Override
    public Record<byte[], byte[]> deadLetter(FinishedEvent e, long now) {
        return new Record<>(e.input().key(), (e.input().partition() + ":" + e.input().offset() + ":" + e.failure().category()).getBytes(StandardCharsets.UTF_8), e.input().timestamp());
    }
}
