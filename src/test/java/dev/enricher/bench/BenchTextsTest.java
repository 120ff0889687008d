package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
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

    @Test
    void noRepeatsAskedForGivesTheTextsOfBefore() {
        BenchTexts plain = new BenchTexts(7);
        BenchTexts none = new BenchTexts(7, 0);
        for (int i = 0; i < 1000; i++) {
            assertThat(none.repeatOf(i)).isEqualTo(-1);
            assertThat(none.text(i)).isEqualTo(plain.text(i));
        }
    }

    @Test
    void theShareOfEventsRepeatAnEarlierEventsText() {
        BenchTexts plain = new BenchTexts(7);
        BenchTexts texts = new BenchTexts(7, 0.3);
        assertThat(texts.repeatOf(0)).as("the first event has nothing before it").isEqualTo(-1);
        int recent = 0;
        int drawn = 0;
        for (int i = 0; i < 20_000; i++) {
            long earlier = texts.repeatOf(i);
            if (earlier < 0) {
                assertThat(texts.text(i)).as("an event of its own keeps its text").isEqualTo(plain.text(i));
                continue;
            }
            drawn++;
            assertThat(earlier).isBetween(0L, i - 1L);
            assertThat(texts.text(i)).isEqualTo(texts.text(earlier));
            recent += i - earlier <= BenchTexts.RECENT ? 1 : 0;
        }
        assertThat(drawn).isEqualTo(6000);
        // Half among the last RECENT events, half among all before (which for most events is far back).
        assertThat(recent).isBetween(2800, 3400);
        // Any run of events holds the share give or take the two blocks at its ends.
        for (int first : new int[] {0, 3, 57, 1234, 9999}) {
            for (int count : new int[] {10, 77, 200, 1000}) {
                long inRun = 0;
                for (int i = first; i < first + count; i++) {
                    inRun += texts.repeatOf(i) >= 0 ? 1 : 0;
                }
                assertThat((double) inRun).as("from %d, %d events", first, count)
                        .isCloseTo(0.3 * count, org.assertj.core.data.Offset.offset(2.0 * 3 + 1));
                if (first % BenchTexts.BLOCK == 0 && count % BenchTexts.BLOCK == 0) {
                    assertThat(inRun).isEqualTo(count * 3L / 10);
                }
            }
        }
    }

    @Test
    void repeatsCountsTheDrawnOnesAndTheCoincidences() {
        BenchTexts texts = new BenchTexts(11, 0.25);
        BenchTexts.Repeats r = texts.repeats(300, 700);
        Set<String> seen = new HashSet<>();
        long drawn = 0;
        long repeated = 0;
        for (int i = 0; i < 1000; i++) {
            boolean known = !seen.add(texts.text(i));
            if (i >= 300) {
                drawn += texts.repeatOf(i) >= 0 ? 1 : 0;
                repeated += known ? 1 : 0;
            }
        }
        assertThat(r).isEqualTo(new BenchTexts.Repeats(drawn, repeated));
        assertThat(r.drawn()).isEqualTo(175);
        assertThat(r.repeatedTexts()).isGreaterThanOrEqualTo(r.drawn());
    }

    @Test
    void everyEventRepeatsTheFirstAtAShareOfOne() {
        BenchTexts texts = new BenchTexts(3, 1);
        for (int i = 1; i < 300; i++) {
            assertThat(texts.text(i)).isEqualTo(texts.text(0));
        }
    }

    @Test
    void refusesAShareOutsideZeroToOne() {
        assertThatThrownBy(() -> new BenchTexts(1, 1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BenchTexts(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
