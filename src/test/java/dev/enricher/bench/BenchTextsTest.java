package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The event texts of the load generator. */
class BenchTextsTest {

    @Test
    void textsAreVariedAndRepeatable() {
        BenchTexts texts = new BenchTexts(7);
        assertThat(texts.text(3)).isEqualTo(new BenchTexts(7).text(3));
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 500; i++) {
            String t = texts.text(i);
            assertThat(t).isNotBlank().hasSizeLessThan(1200);
            distinct.add(t);
        }
        assertThat(distinct).hasSizeGreaterThan(450);
    }
}
