package dev.enricher.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * An Avro binary decoder over one in-memory payload that refuses lengths and item counts the remaining bytes
 * cannot hold, before anything is allocated: Avro allocates a string's bytes and a collection's slots from the
 * length it reads, so a few hostile bytes (a varint saying 2 GB) would otherwise end in an
 * {@link OutOfMemoryError} instead of an error about the record. A string or bytes value running past the end is
 * an {@link EOFException} (the record was cut short) when its length is plausible, {@link Malformed} when it is
 * longer than any accepted value. Written by hand because Avro offers such limits only as JVM-wide system
 * properties.
 *
 * <p>Shared by {@link AvroDeserializer} and the input decoders of {@code dev.enricher.serde.decode}, which
 * override {@link #readString()} with their strict UTF-8 policy; public only for them. Not thread-safe: one per
 * record.
 */
public class BoundedDecoder extends Decoder {
    /** Blocks of zero-byte items (nulls) are legal; allow small ones whatever the bytes left. */
    private static final long SMALL_BLOCK = 1_024;

    /** The payload is not Avro binary of the schema; the message names sizes only, never content. */
    public static final class Malformed extends IOException {
        public Malformed(String message) {
            super(message);
        }
    }

    private final BinaryDecoder in;
    private final int maxBytes;
    private final long maxTotalItems;
    private long totalItems;

    /**
     * @param maxBytes the largest value accepted: a longer string cannot be a cut-off record, only corrupt data
     */
    public BoundedDecoder(BinaryDecoder in, int payloadLength, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.maxTotalItems = 8L * payloadLength + SMALL_BLOCK;
    }

    /** True when every byte of the payload was read. */
    public boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private int length(String what) throws IOException {
        long length = in.readLong();
        if (length < 0) {
            throw new Malformed("a negative " + what + " length (" + length + ")");
        }
        if (length > in.remainingBytes()) {
            if (length <= maxBytes) {
                // A plausible length past the end: the value was cut short.
                throw new EOFException();
            }
            throw new Malformed("a " + what + " of " + length + " bytes, longer than any value accepted ("
                    + maxBytes + " bytes)");
        }
        return (int) length;
    }

    private long items(long count, String what) throws IOException {
        if (count < 0) {
            throw new Malformed("a negative " + what + " block count (" + count + ")");
        }
        if (count > SMALL_BLOCK && count > in.remainingBytes()) {
            throw new Malformed("a " + what + " block of " + count + " items where only " + in.remainingBytes()
                    + " bytes are left");
        }
        totalItems += count;
        if (totalItems > maxTotalItems) {
            throw new Malformed("more " + what + " items (" + totalItems + ") than the payload could hold");
        }
        return count;
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        if (length > 0) {
            in.readFixed(result.getBytes(), 0, length);
        }
        return result;
    }

    /** The string as Java text; malformed UTF-8 becomes U+FFFD, as in Avro itself. Subclasses may be stricter. */
    @Override
    public String readString() throws IOException {
        int length = length("string");
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length("string"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length("bytes");
        ByteBuffer result = old != null && old.hasArray() && old.capacity() >= length ? old : ByteBuffer.allocate(length);
        result.clear();
        in.readFixed(result.array(), result.arrayOffset(), length);
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length("bytes"));
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public long readArrayStart() throws IOException {
        return items(in.readArrayStart(), "array");
    }

    @Override
    public long arrayNext() throws IOException {
        return items(in.arrayNext(), "array");
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return items(in.readMapStart(), "map");
    }

    @Override
    public long mapNext() throws IOException {
        return items(in.mapNext(), "map");
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        return in.readBoolean();
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }

    @Override
    public int remainingBytes() {
        return in.remainingBytes();
    }
}
