package dev.enricher.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A decoder that refuses lengths and counts larger than the payload before anything is allocated. Avro
 * allocates a string's bytes and an array's slots from the length it reads, so a few hostile bytes
 * (a varint saying 2 GB) would otherwise end in an {@link OutOfMemoryError} rather than an error about the
 * record. Every string, bytes value and collection item takes at least one byte, except items of type
 * {@code null} or empty records, which no schema of this service puts in a collection.
 */
final class BoundedDecoder extends Decoder {
    private final BinaryDecoder in;
    private final long limit;

    BoundedDecoder(BinaryDecoder in, int payloadLength) {
        this.in = in;
        this.limit = payloadLength;
    }

    /** True when every byte of the payload was read. */
    boolean isEnd() throws IOException {
        return in.isEnd();
    }

    private long check(long length, String what) {
        if (length < 0 || length > limit) {
            throw new AvroRuntimeException("malformed data: " + what + " of " + length
                    + " in a payload of " + limit + " bytes");
        }
        return length;
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
    public Utf8 readString(Utf8 old) throws IOException {
        int length = (int) check(in.readLong(), "string length");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        if (length > 0) {
            in.readFixed(result.getBytes(), 0, length);
        }
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = (int) check(in.readLong(), "string length");
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed((int) check(in.readLong(), "string length"));
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = (int) check(in.readLong(), "bytes length");
        ByteBuffer result = old != null && old.capacity() >= length && old.hasArray() ? old : ByteBuffer.allocate(length);
        result.clear();
        in.readFixed(result.array(), result.arrayOffset(), length);
        result.limit(length);
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed((int) check(in.readLong(), "bytes length"));
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
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return check(in.readArrayStart(), "array block count");
    }

    @Override
    public long arrayNext() throws IOException {
        return check(in.arrayNext(), "array block count");
    }

    @Override
    public long skipArray() throws IOException {
        return in.skipArray();
    }

    @Override
    public long readMapStart() throws IOException {
        return check(in.readMapStart(), "map block count");
    }

    @Override
    public long mapNext() throws IOException {
        return check(in.mapNext(), "map block count");
    }

    @Override
    public long skipMap() throws IOException {
        return in.skipMap();
    }

    @Override
    public int readIndex() throws IOException {
        return in.readIndex();
    }
}
