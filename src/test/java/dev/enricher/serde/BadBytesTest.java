package dev.enricher.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.enricher.testing.RandomInputs;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Whatever the bytes, the deserializer answers with a record or a typed {@link SerdeException}, nothing else. */
class BadBytesTest {
    private static final String TOPIC = "enriched";
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(registry, AvroSerdeConfig.defaults());
    private final AvroDeserializer<GenericRecord> specific = AvroDeserializer.mixed(registry);
    private final AvroDeserializer<GenericRecord> generic = AvroDeserializer.generic(registry);
    private final byte[] valid = serializer.serialize(TOPIC, Events.enriched(7));

    private static SerdeException.Reason reasonOf(Deserializer<?> d, byte[] bytes) {
        SerdeException e = catchThrowableOfType(SerdeException.class, () -> d.deserialize(TOPIC, bytes));
        assertThat(e).as("expected a SerdeException").isNotNull();
        assertThat(e.getMessage()).contains(TOPIC);
        return e.reason();
    }

    @Test
    void emptyBytes() {
        assertThat(reasonOf(specific, new byte[0])).isEqualTo(SerdeException.Reason.NULL_OR_EMPTY);
        assertThatThrownBy(() -> WireFormat.parse(TOPIC, null)).isInstanceOf(SerdeException.class);
    }

    @Test
    void wrongMagicByteNamesTheByteFound() {
        byte[] json = "{\"text\":\"hi\"}".getBytes();
        SerdeException e = catchThrowableOfType(SerdeException.class, () -> specific.deserialize(TOPIC, json));
        assertThat(e.reason()).isEqualTo(SerdeException.Reason.WRONG_MAGIC_BYTE);
        assertThat(e.getMessage()).contains("0x7b").contains("magic byte");
        assertThat(e.isRecordFault()).isTrue();
    }

    @Test
    void truncatedHeader() {
        assertThat(reasonOf(specific, new byte[] {0, 0, 1})).isEqualTo(SerdeException.Reason.TRUNCATED_HEADER);
    }

    @Test
    void unknownSchemaIdNamesTheId() {
        byte[] bytes = valid.clone();
        WireFormat.writeHeader(bytes, 0, 4711);
        SerdeException e = catchThrowableOfType(SerdeException.class, () -> specific.deserialize(TOPIC, bytes));
        assertThat(e.reason()).isEqualTo(SerdeException.Reason.UNKNOWN_SCHEMA_ID);
        assertThat(e.schemaId()).isEqualTo(4711);
        assertThat(e.getMessage()).contains("4711");
    }

    @Test
    void idsBelowOneAreUnknownWithoutAskingTheRegistry() {
        int before = registry.schemaByIdCalls();
        for (int id : new int[] {0, -1, Integer.MIN_VALUE}) {
            byte[] bytes = valid.clone();
            WireFormat.writeHeader(bytes, 0, id);
            assertThat(reasonOf(generic, bytes)).isEqualTo(SerdeException.Reason.UNKNOWN_SCHEMA_ID);
        }
        assertThat(registry.schemaByIdCalls()).isEqualTo(before);
    }

    @Test
    void everyTruncationOfTheFirstPartOfThePayloadIsTyped() {
        for (int length = WireFormat.HEADER_LENGTH; length < valid.length; length++) {
            byte[] cut = Arrays.copyOf(valid, length);
            assertThat(reasonOf(specific, cut)).as("cut at %d", length)
                    .isIn(SerdeException.Reason.TRUNCATED_PAYLOAD, SerdeException.Reason.NOT_AVRO);
        }
        assertThat(reasonOf(specific, Arrays.copyOf(valid, valid.length - 1)))
                .isEqualTo(SerdeException.Reason.TRUNCATED_PAYLOAD);
    }

    @Test
    void trailingBytes() {
        byte[] longer = Arrays.copyOf(valid, valid.length + 3);
        assertThat(reasonOf(specific, longer)).isEqualTo(SerdeException.Reason.TRAILING_BYTES);
        assertThat(reasonOf(generic, longer)).isEqualTo(SerdeException.Reason.TRAILING_BYTES);
    }

    @Test
    void hugeLengthIsRefusedWithoutAllocatingIt() {
        // id (optional union branch 1), then a string length of ~1 GB as a zig-zag varint.
        byte[] header = WireFormat.header(WireFormat.parse(TOPIC, valid).schemaId());
        byte[] bytes = Arrays.copyOf(header, header.length + 6);
        byte[] payload = {2, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        System.arraycopy(payload, 0, bytes, header.length, payload.length);
        assertThat(reasonOf(specific, bytes)).isEqualTo(SerdeException.Reason.NOT_AVRO);
    }

    static Stream<Long> seeds() {
        return RandomInputs.seeds(300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomBytesGiveARecordOrATypedError(long seed) {
        Random random = new Random(seed);
        byte[] bytes = RandomInputs.bytes(random);
        expectRecordOrSerdeException(bytes);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomPayloadsBehindAValidHeaderGiveARecordOrATypedError(long seed) {
        Random random = new Random(seed);
        byte[] payload = RandomInputs.bytes(random);
        byte[] bytes = Arrays.copyOf(valid, WireFormat.HEADER_LENGTH + payload.length);
        System.arraycopy(payload, 0, bytes, WireFormat.HEADER_LENGTH, payload.length);
        expectRecordOrSerdeException(bytes);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomlyMutatedValidRecordsGiveARecordOrATypedError(long seed) {
        Random random = new Random(seed);
        byte[] bytes = valid.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            int at = WireFormat.HEADER_LENGTH + random.nextInt(bytes.length - WireFormat.HEADER_LENGTH);
            bytes[at] = (byte) random.nextInt(256);
        }
        expectRecordOrSerdeException(bytes);
    }

    private void expectRecordOrSerdeException(byte[] bytes) {
        for (Deserializer<?> d : new Deserializer<?>[] {specific, generic}) {
            try {
                d.deserialize(TOPIC, bytes);
            } catch (SerdeException e) {
                assertThat(e.getMessage()).contains(TOPIC);
            }
        }
    }
}
