package dev.enricher.testing;

import dev.enricher.avro.DeadLetter;
import dev.enricher.avro.DeadLetterCategory;
import dev.enricher.avro.Header;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Dead letters as the service writes them, for the tail and replay tests. */
public final class DeadLetters {
    /** Bytes that are not UTF-8, to check base64 rendering and byte-exact replays. */
    public static final byte[] BINARY = {0, (byte) 0xff, (byte) 0xfe, 1, 2, (byte) 0x80};

    private DeadLetters() {
    }

    public static DeadLetter of(DeadLetterCategory category, byte[] key, byte[] value, Instant at, String... headerPairs) {
        List<Header> headers = new ArrayList<>();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(new Header(headerPairs[i], headerPairs[i + 1] == null ? null
                    : ByteBuffer.wrap(headerPairs[i + 1].getBytes(StandardCharsets.UTF_8))));
        }
        return DeadLetter.newBuilder()
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setSourceTopic("raw-messages")
                .setSourcePartition(2)
                .setSourceOffset(41)
                .setSourceTimestamp(Instant.parse("2026-11-25T09:00:00Z"))
                .setHeaders(headers)
                .setCategory(category)
                .setReason(category + ": what went wrong and what to do")
                .setDeadLetteredAt(at)
                .build();
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
