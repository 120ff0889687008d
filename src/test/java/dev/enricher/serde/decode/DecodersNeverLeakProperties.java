package dev.enricher.serde.decode;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.enricher.avro.TextEvent;
import dev.enricher.testing.RandomInputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Any bytes to any decoder: a {@link DecodeException} or a valid event, never anything else. Each case names its
 * seed, which reproduces it.
 */
class DecodersNeverLeakProperties {
    private static final int SEEDS = 400;
    private static final MapSchemaRegistry REGISTRY = AvroInputDecoderTest.registry();
    private static final List<InputDecoder> DECODERS = List.of(
            new JsonInputDecoder(),
            new JsonInputDecoder("/a/0/text", "/b", 4096),
            new PlainTextDecoder(),
            new AvroInputDecoder(REGISTRY),
            new AvroInputDecoder(REGISTRY, "body", "postId", 4096));

    static Stream<Long> seeds() {
        return RandomInputs.seeds(SEEDS);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void arbitraryBytes(long seed) {
        Random random = new Random(seed);
        byte[] value = RandomInputs.bytes(random);
        everyDecoder(seed, value);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void arbitraryStrings(long seed) {
        Random random = new Random(seed);
        everyDecoder(seed, RandomInputs.string(random).getBytes(UTF_8));
        // The same strings inside a plausible JSON object: reaches the pointer and attribute code.
        String s = RandomInputs.string(random);
        everyDecoder(seed, ("{\"text\":" + s + ",\"id\":" + RandomInputs.string(random) + ",\"x\":" + s + "}").getBytes(UTF_8));
        everyDecoder(seed, ("{\"a\":[{\"text\":\"" + s + "\"}],\"b\":" + s + "}").getBytes(UTF_8));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void framedRandomPayloads(long seed) {
        Random random = new Random(seed);
        int[] ids = {AvroInputDecoderTest.TEXT_EVENT_ID, AvroInputDecoderTest.CUSTOM_ID, AvroInputDecoderTest.NESTED_ID_ID,
            AvroInputDecoderTest.OPTIONAL_TEXT_ID, 77};
        byte[] payload = RandomInputs.bytes(random);
        everyDecoder(seed, AvroBytes.concat(AvroBytes.header(ids[random.nextInt(ids.length)]), payload));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void corruptedValidAvro(long seed) {
        Random random = new Random(seed);
        Map<String, String> attrs = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            attrs.put(RandomInputs.string(random), RandomInputs.string(random));
        }
        byte[] value = AvroBytes.specific(AvroInputDecoderTest.TEXT_EVENT_ID, TextEvent.newBuilder()
                .setText(RandomInputs.string(random)).setId(random.nextBoolean() ? null : RandomInputs.string(random))
                .setAttributes(attrs.isEmpty() ? null : attrs).build());
        everyDecoder(seed, value);
        // Flip, cut or extend it.
        byte[] bad = value.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips && bad.length > 5; i++) {
            bad[5 + random.nextInt(bad.length - 5)] = (byte) random.nextInt(256);
        }
        everyDecoder(seed, bad);
        everyDecoder(seed, java.util.Arrays.copyOf(value, random.nextInt(value.length + 1)));
        everyDecoder(seed, AvroBytes.concat(value, RandomInputs.bytes(random)));
    }

    /** Stands for personal data: no message may quote it. */
    private static final String MARKER = "Jane-Doe-7f3a";

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void messagesNeverQuoteTheInput(long seed) {
        Random random = new Random(seed);
        String s = RandomInputs.string(random);
        int at = random.nextInt(s.length() + 1);
        String withMarker = s.substring(0, at) + MARKER + s.substring(at);
        List<byte[]> values = List.of(withMarker.getBytes(UTF_8),
                ("{\"text\":" + withMarker + "}").getBytes(UTF_8),
                ("{\"" + MARKER + "\":" + s + ",\"text\":{\"" + MARKER + "\":1}}").getBytes(UTF_8),
                AvroBytes.concat(AvroBytes.header(AvroInputDecoderTest.TEXT_EVENT_ID), withMarker.getBytes(UTF_8)),
                AvroBytes.concat(withMarker.getBytes(UTF_8), new byte[] {(byte) 0xC3}));
        for (byte[] value : values) {
            for (InputDecoder decoder : DECODERS) {
                try {
                    decoder.decode("raw", value);
                } catch (DecodeException e) {
                    assertThat(e.getMessage()).as("seed %d, %s", seed, decoder.getClass().getSimpleName())
                            .doesNotContain(MARKER);
                }
            }
        }
    }

    private static void everyDecoder(long seed, byte[] value) {
        for (InputDecoder decoder : DECODERS) {
            try {
                DecodedEvent event = decoder.decode("raw", value);
                assertThat(event.text()).as("seed %d, %s", seed, decoder.getClass().getSimpleName()).isNotBlank();
                assertThat(event.attributes()).isNotNull();
            } catch (DecodeException e) {
                assertThat(e.reason()).isNotNull();
                assertThat(e.recordAtFault()).as("seed %d: the fake registry is always up", seed).isTrue();
            } catch (Throwable t) {
                fail("seed " + seed + ": " + decoder.getClass().getSimpleName() + " threw " + t, t);
            }
        }
    }
}
