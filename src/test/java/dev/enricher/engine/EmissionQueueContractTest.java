package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One contract run over every {@link EmissionQueue} (via {@link Ordering#newQueue()}), then what each mode adds:
 * per-key FIFO for {@link Ordering#KEY}, finishing order for {@link Ordering#UNORDERED}.
 */
class EmissionQueueContractTest {

    private static byte[] key(String k) {
        return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Long> drain(EmissionQueue q) {
        List<Long> out = new ArrayList<>();
        q.drainReady(out::add);
        return out;
    }

    // ---------------------------------------------------------------- contract of every implementation

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void nothingIsReadyBeforeItIsFinished(Ordering ordering) {
        EmissionQueue q = ordering.newQueue();
        q.add(0, key("a"));
        q.add(1, key("b"));
        q.add(2, null);
        assertThat(drain(q)).isEmpty();
        assertThat(q.size()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void sizeCountsAddedUntilDrained(Ordering ordering) {
        EmissionQueue q = ordering.newQueue();
        assertThat(q.size()).isZero();
        for (long s = 0; s < 5; s++) {
            q.add(s, key("k" + (s % 2)));
        }
        q.add(5, null);
        assertThat(q.size()).isEqualTo(6);
        q.finished(0);
        q.finished(5);
        assertThat(q.size()).as("finished but not drained still counts").isEqualTo(6);
        assertThat(drain(q)).containsExactlyInAnyOrder(0L, 5L);
        assertThat(q.size()).isEqualTo(4);
        for (long s = 1; s < 5; s++) {
            q.finished(s);
        }
        assertThat(drain(q)).hasSize(4);
        assertThat(q.size()).isZero();
        assertThat(drain(q)).as("a drained event leaves once").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void addingTheSameEventTwiceIsRefused(Ordering ordering) {
        EmissionQueue q = ordering.newQueue();
        q.add(7, key("a"));
        q.add(8, null);
        assertThatThrownBy(() -> q.add(7, key("a"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("7");
        assertThatThrownBy(() -> q.add(7, key("other"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> q.add(8, null)).isInstanceOf(IllegalStateException.class).hasMessageContaining("8");
        assertThat(q.size()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void finishingTwiceOrFinishingTheUnknownIsRefused(Ordering ordering) {
        EmissionQueue q = ordering.newQueue();
        q.add(0, key("a"));
        q.add(1, key("a"));
        q.add(2, null);
        assertThatThrownBy(() -> q.finished(99)).isInstanceOf(IllegalStateException.class).hasMessageContaining("99");
        q.finished(1); // blocked behind 0 in KEY mode, ready in UNORDERED mode
        assertThatThrownBy(() -> q.finished(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("1");
        q.finished(2);
        assertThatThrownBy(() -> q.finished(2)).isInstanceOf(IllegalStateException.class);
        q.finished(0);
        assertThatThrownBy(() -> q.finished(0)).isInstanceOf(IllegalStateException.class);
        assertThat(drain(q)).containsExactlyInAnyOrder(0L, 1L, 2L);
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void everyEventLeavesExactlyOnceWhateverTheFinishingOrder(Ordering ordering) {
        Random random = new Random(42);
        EmissionQueue q = ordering.newQueue();
        int n = 5_000;
        List<Long> unfinished = new ArrayList<>();
        for (long s = 0; s < n; s++) {
            q.add(s, random.nextInt(10) == 0 ? null : key("k" + random.nextInt(50)));
            unfinished.add(s);
        }
        Collections.shuffle(unfinished, random);
        Set<Long> seen = new HashSet<>();
        for (long s : unfinished) {
            q.finished(s);
            if (random.nextInt(7) == 0) {
                for (long out : drain(q)) {
                    assertThat(seen.add(out)).as("event %d left twice", out).isTrue();
                }
            }
        }
        for (long out : drain(q)) {
            assertThat(seen.add(out)).as("event %d left twice", out).isTrue();
        }
        assertThat(seen).hasSize(n);
        assertThat(q.size()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void keylessEventsNeverWait(Ordering ordering) {
        EmissionQueue q = ordering.newQueue();
        q.add(0, key("a"));
        q.add(1, null);
        q.add(2, null);
        assertThat(q.wouldLeaveAt(1)).isTrue();
        q.finished(2);
        q.finished(1);
        assertThat(drain(q)).containsExactly(2L, 1L);
        assertThat(q.size()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- KEY

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void keyOrderedEachKeyLeavesInAdmissionOrderWhateverTheFinishingOrder(long seed) {
        Random random = new Random(seed);
        EmissionQueue q = Ordering.KEY.newQueue();
        int n = 3_000;
        Map<Long, String> keyOf = new HashMap<>();
        List<Long> order = new ArrayList<>();
        for (long s = 0; s < n; s++) {
            String k = random.nextInt(20) == 0 ? null : "key-" + random.nextInt(1 + (int) seed * 25);
            keyOf.put(s, k);
            q.add(s, key(k));
            order.add(s);
        }
        Collections.shuffle(order, random);
        List<Long> out = new ArrayList<>();
        for (long s : order) {
            q.finished(s);
            if (random.nextBoolean()) {
                q.drainReady(out::add);
            }
        }
        q.drainReady(out::add);
        assertThat(out).hasSize(n);
        Map<String, Long> last = new HashMap<>();
        for (long s : out) {
            String k = keyOf.get(s);
            if (k == null) {
                continue;
            }
            Long before = last.put(k, s);
            assertThat(before == null || before < s).as("key %s: %d left after %d", k, s, before).isTrue();
        }
    }

    @Test
    void aFinishedEventWaitsForEveryEarlierEventOfItsKeyOnly() {
        EmissionQueue q = Ordering.KEY.newQueue();
        q.add(0, key("a"));
        q.add(1, key("b"));
        q.add(2, key("a"));
        q.add(3, key("a"));
        q.finished(3);
        q.finished(2);
        q.finished(1);
        assertThat(drain(q)).as("b is not held by a").containsExactly(1L);
        q.finished(0);
        assertThat(drain(q)).containsExactly(0L, 2L, 3L);
    }

    @Test
    void keysAreComparedByContentNotIdentity() {
        EmissionQueue q = Ordering.KEY.newQueue();
        q.add(0, new byte[] {1, 2});
        q.add(1, new byte[] {1, 2});
        q.finished(1);
        assertThat(drain(q)).isEmpty();
        q.finished(0);
        assertThat(drain(q)).containsExactly(0L, 1L);
    }

    @Test
    void wouldLeaveAtTellsWhetherAnEarlierEventOfTheKeyIsWaiting() {
        EmissionQueue q = Ordering.KEY.newQueue();
        q.add(0, key("a"));
        q.add(1, key("a"));
        q.add(2, key("b"));
        assertThat(q.wouldLeaveAt(0)).isTrue();
        assertThat(q.wouldLeaveAt(1)).isFalse();
        assertThat(q.wouldLeaveAt(2)).isTrue();
        q.finished(0);
        assertThat(q.wouldLeaveAt(1)).isTrue();
    }

    // ---------------------------------------------------------------- UNORDERED

    @Test
    void unorderedEventsLeaveInFinishingOrderEvenWithinOneKey() {
        EmissionQueue q = Ordering.UNORDERED.newQueue();
        for (long s = 0; s < 6; s++) {
            q.add(s, key("same"));
        }
        for (long s : new long[] {4, 0, 5, 2}) {
            q.finished(s);
        }
        assertThat(drain(q)).containsExactly(4L, 0L, 5L, 2L);
        q.finished(3);
        q.finished(1);
        assertThat(drain(q)).containsExactly(3L, 1L);
    }

    @Test
    void unorderedEventsWouldAllLeaveAtOnce() {
        EmissionQueue q = Ordering.UNORDERED.newQueue();
        q.add(0, key("a"));
        q.add(1, key("a"));
        assertThat(q.wouldLeaveAt(1)).isTrue();
    }

    // ---------------------------------------------------------------- LongArrayQueue

    @Test
    void longArrayQueueIsFifoAcrossWrapAroundAndGrowth() {
        LongArrayQueue q = new LongArrayQueue();
        assertThat(q.isEmpty()).isTrue();
        q.add(1);
        q.add(2);
        q.add(3);
        assertThat(q.poll()).isEqualTo(1);
        assertThat(q.poll()).isEqualTo(2);
        // head is now at 2 of 4: these wrap around, then force growth while wrapped
        for (long v = 4; v <= 20; v++) {
            q.add(v);
        }
        assertThat(q.size()).isEqualTo(18);
        assertThat(q.toString()).startsWith("[3, 4, 5").endsWith("19, 20]");
        for (long v = 3; v <= 20; v++) {
            assertThat(q.peek()).isEqualTo(v);
            assertThat(q.poll()).isEqualTo(v);
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void longArrayQueueMatchesADequeUnderRandomUse() {
        Random random = new Random(7);
        LongArrayQueue q = new LongArrayQueue();
        java.util.ArrayDeque<Long> model = new java.util.ArrayDeque<>();
        long next = 0;
        for (int i = 0; i < 30_000; i++) {
            if (model.isEmpty() || random.nextInt(10) < 6) {
                q.add(next);
                model.add(next++);
            } else {
                assertThat(q.poll()).isEqualTo(model.poll());
            }
            assertThat(q.size()).isEqualTo(model.size());
        }
        while (!model.isEmpty()) {
            assertThat(q.poll()).isEqualTo(model.poll());
        }
    }

    @Test
    void emptyLongArrayQueueRefusesPeekAndPoll() {
        LongArrayQueue q = new LongArrayQueue();
        assertThatThrownBy(q::peek).isInstanceOf(NoSuchElementException.class);
        assertThatThrownBy(q::poll).isInstanceOf(NoSuchElementException.class);
        q.add(5);
        q.poll();
        assertThatThrownBy(q::poll).isInstanceOf(NoSuchElementException.class);
        assertThat(q.toString()).isEqualTo("[]");
    }
}
