package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EntityHasherTest {
    private static final String KEY = "sixteen-byte-key";

    @Test
    void hashesToTheKnownHmacSha256InLowercaseHex() {
        // printf '%s' 'Jane Cooper' | openssl dgst -sha256 -hmac 'sixteen-byte-key'
        assertThat(new EntityHasher(KEY).hash("Jane Cooper"))
                .isEqualTo("3e46eda4f19e0d8281034e7115ce34ec71620440711c52fa22d4cfb5d3e45ba6");
    }

    @Test
    void hashesTheTextsUtf8Bytes() {
        // printf '%s' 'Zoë 😀' | openssl dgst -sha256 -hmac 'sixteen-byte-key'
        assertThat(new EntityHasher(KEY).hash("Zo\u00eb \uD83D\uDE00"))
                .isEqualTo("9ec0551387aa1964f2e339c8eaf93fcf9b04638d8c7b6b5fd8be071f1dd10fb6");
    }

    @Test
    void aStringKeyIsItsUtf8Bytes() {
        assertThat(new EntityHasher(KEY.getBytes(StandardCharsets.UTF_8)).hash("Jane Cooper"))
                .isEqualTo(new EntityHasher(KEY).hash("Jane Cooper"));
        assertThat(new EntityHasher(KEY)).isEqualTo(new EntityHasher(KEY.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void equalTextsHashAlikeAndDifferentKeysOrTextsDiffer() {
        EntityHasher a = new EntityHasher(KEY);
        EntityHasher b = new EntityHasher("another-key-of-16+");

        assertThat(a.hash("Jane Cooper")).isEqualTo(new EntityHasher(KEY).hash("Jane Cooper"));
        // printf '%s' 'Jane Cooper' | openssl dgst -sha256 -hmac 'another-key-of-16+'
        assertThat(b.hash("Jane Cooper"))
                .isEqualTo("0a28ace03cc4b70f6c0972c901c275e48c67ba4b856d16f86a156a39587a2d8b")
                .isNotEqualTo(a.hash("Jane Cooper"));
        assertThat(a.hash("jane cooper")).isNotEqualTo(a.hash("Jane Cooper"));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aKeyShorterThan16BytesIsRefusedWithoutEchoingIt() {
        String shortKey = "fifteen-bytes!!";

        assertThatThrownBy(() -> new EntityHasher(shortKey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 bytes").hasMessageContaining("15 bytes")
                .hasMessageNotContaining(shortKey).hasMessageNotContaining("fifteen");
        assertThatThrownBy(() -> new EntityHasher(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EntityHasher((String) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new EntityHasher((byte[]) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theMinimumCountsBytesNotCharacters() {
        String eightChars = "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"; // 16 bytes in UTF-8

        assertThat(new EntityHasher(eightChars).hash("x")).hasSize(64);
    }

    @Test
    void neitherToStringNorTheKeyArraysLaterChangesRevealOrAlterTheKey() {
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        EntityHasher hasher = new EntityHasher(key);
        String before = hasher.hash("Jane Cooper");

        key[0] = 'X';

        assertThat(hasher.hash("Jane Cooper")).isEqualTo(before);
        assertThat(hasher.toString()).doesNotContain(KEY).doesNotContain("sixteen").contains("HmacSHA256");
    }

    @Test
    void isSafeToShareBetweenThreads() {
        EntityHasher hasher = new EntityHasher(KEY);

        List<String> hashes = IntStream.range(0, 2_000).parallel().mapToObj(i -> hasher.hash("Jane Cooper")).toList();

        assertThat(hashes).containsOnly("3e46eda4f19e0d8281034e7115ce34ec71620440711c52fa22d4cfb5d3e45ba6");
    }

    @Test
    void refusesANullText() {
        assertThatThrownBy(() -> new EntityHasher(KEY).hash(null)).isInstanceOf(NullPointerException.class);
    }
}
