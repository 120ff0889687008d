package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.testing.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The one owner of admission: cap, turns between lanes, gate and probe, rate limit, adaptive limit. Time moved by hand. */
class AdmissionTest {
    private final ManualTime time = new ManualTime();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final List<Admission<String>.Permit> permits = new CopyOnWriteArrayList<>();
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Admission<String> admission(Admission.Limits limits) {
        return new Admission<>(limits, time, time, open::get, (work, permit) -> {
            started.add(work);
            permits.add(permit);
        });
    }

    private void releaseOldest(Admission.Signal signal) {
        permits.remove(0).release(signal);
    }

    @Test
    void neverMoreThanTheCapStartedAndEachReleaseAdmitsTheNext() {
        Admission<String> a = admission(Admission.Limits.fixed(3));
        Admission<String>.Lane lane = a.openLane("l");
        for (int i = 0; i < 10; i++) {
            lane.submit("w" + i);
        }
        a.pump();
        assertThat(started).containsExactly("w0", "w1", "w2");
        assertThat(a.inFlight()).isEqualTo(3);
        releaseOldest(Admission.Signal.SUCCESS);
        assertThat(started).containsExactly("w0", "w1", "w2", "w3");
        assertThat(a.inFlight()).isEqualTo(3);
        assertThat(lane.waiting()).hasSize(6).first().isEqualTo("w4");
    }

    @Test
    void lanesTakeTurnsAndSubmitFirstGoesAhead() {
        Admission<String> a = admission(Admission.Limits.fixed(1));
        Admission<String>.Lane big = a.openLane("big");
        Admission<String>.Lane small = a.openLane("small");
        for (int i = 0; i < 5; i++) {
            big.submit("b" + i);
        }
        small.submit("s0");
        small.submit("s1");
        small.submitFirst("s-retry");
        a.pump();
        for (int i = 0; i < 6; i++) {
            releaseOldest(Admission.Signal.SUCCESS);
        }
        assertThat(started).containsExactly("b0", "s-retry", "b1", "s0", "b2", "s1", "b3");
    }

    @Test
    void aClosedLaneDropsItsWorkAndRefusesMore() {
        Admission<String> a = admission(Admission.Limits.fixed(1));
        Admission<String>.Lane lane = a.openLane("l");
        Admission<String>.Lane other = a.openLane("o");
        lane.submit("a");
        lane.submit("b");
        lane.submit("c");
        a.pump();
        assertThat(lane.close()).containsExactly("b", "c");
        assertThat(lane.isClosed()).isTrue();
        assertThat(lane.submit("d")).isFalse();
        other.submit("x");
        releaseOldest(Admission.Signal.SUCCESS);
        assertThat(started).containsExactly("a", "x");
    }

    @Test
    void aShutGateSendsNothingButAProbe() {
        Admission<String> a = admission(Admission.Limits.fixed(2));
        Admission<String>.Lane lane = a.openLane("l");
        open.set(false);
        lane.submit("a");
        lane.submit("b");
        lane.submit("c");
        a.pump();
        assertThat(started).isEmpty();
        assertThat(a.probe()).isEqualTo(Admission.ProbeResult.SENT);
        assertThat(started).containsExactly("a");
        assertThat(permits.get(0).probe()).isTrue();
        assertThat(a.probe()).isEqualTo(Admission.ProbeResult.SENT);
        assertThat(a.probe()).as("both slots taken").isEqualTo(Admission.ProbeResult.NO_SLOT);
        releaseOldest(Admission.Signal.SUCCESS);
        assertThat(started).as("the gate is still shut: the release sends nothing").containsExactly("a", "b");
        open.set(true);
        a.pump();
        assertThat(started).containsExactly("a", "b", "c");
        assertThat(permits.get(1).probe()).isFalse();
        releaseOldest(Admission.Signal.SUCCESS);
        releaseOldest(Admission.Signal.SUCCESS);
        open.set(false);
        assertThat(a.probe()).isEqualTo(Admission.ProbeResult.NOTHING_WAITING);
    }

    @Test
    void theRateLimitSpacesStartsAndWakesItselfWhenTheNextTokenIsDue() {
        // 10/s: a bucket of one token, one more every 100 ms.
        Admission<String> a = admission(new Admission.Limits(100, 1, false, 10));
        Admission<String>.Lane lane = a.openLane("l");
        for (int i = 0; i < 4; i++) {
            lane.submit("w" + i);
        }
        a.pump();
        assertThat(started).containsExactly("w0");
        assertThat(time.scheduled()).as("a wake-up for the next token").isEqualTo(1);
        time.advance(Duration.ofMillis(99));
        assertThat(started).hasSize(1);
        time.advance(Duration.ofMillis(1));
        assertThat(started).containsExactly("w0", "w1");
        time.advance(Duration.ofMillis(200));
        assertThat(started).containsExactly("w0", "w1", "w2", "w3");
    }

    @Test
    void rateLimitedAnswersCutTheLimitAndSuccessesRaiseItBack() {
        Admission<String> a = admission(new Admission.Limits(16, 2, true, 0));
        Admission<String>.Lane lane = a.openLane("l");
        for (int i = 0; i < 200; i++) {
            lane.submit("w" + i);
        }
        a.pump();
        assertThat(a.limit()).isEqualTo(16);
        releaseOldest(Admission.Signal.RATE_LIMITED);
        assertThat(a.limit()).isEqualTo(8);
        releaseOldest(Admission.Signal.RATE_LIMITED);
        assertThat(a.limit()).as("one cut per cooldown: the 429s of one burst").isEqualTo(8);
        assertThat(a.inFlight()).as("no new start while over the new limit").isEqualTo(14);
        time.advance(Duration.ofMillis(300));
        releaseOldest(Admission.Signal.RATE_LIMITED);
        assertThat(a.limit()).isEqualTo(4);
        releaseOldest(Admission.Signal.IGNORED);
        assertThat(a.limit()).isEqualTo(4);
        while (!permits.isEmpty() && a.limit() < 16) {
            releaseOldest(Admission.Signal.SUCCESS);
        }
        assertThat(a.limit()).isEqualTo(16);
    }

    @Test
    void aPermitReleasedTwiceFreesOneSlot() {
        Admission<String> a = admission(Admission.Limits.fixed(2));
        Admission<String>.Lane lane = a.openLane("l");
        lane.submit("a");
        lane.submit("b");
        a.pump();
        Admission<String>.Permit p = permits.get(0);
        p.release(Admission.Signal.SUCCESS);
        p.release(Admission.Signal.SUCCESS);
        assertThat(a.inFlight()).isEqualTo(1);
    }

    @Test
    void aStarterThatThrowsHasItsSlotFreed() {
        List<String> tried = new ArrayList<>();
        Admission<String> a = new Admission<>(Admission.Limits.fixed(1), time, time, () -> true, (work, permit) -> {
            tried.add(work);
            if (work.equals("bad")) {
                throw new IllegalStateException("boom");
            }
        });
        Admission<String>.Lane lane = a.openLane("l");
        lane.submit("bad");
        lane.submit("good");
        a.pump();
        assertThat(tried).containsExactly("bad", "good");
        assertThat(a.inFlight()).isEqualTo(1);
    }

    @Test
    void signalsOfAnswers() {
        assertThat(Admission.Signal.of(null)).isEqualTo(Admission.Signal.SUCCESS);
        assertThat(Admission.Signal.of(ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.HTTP_STATUS)
                .status(429).build())).isEqualTo(Admission.Signal.RATE_LIMITED);
        assertThat(Admission.Signal.of(ZeroGpuException.builder(Disposition.OPERATOR, FailureKind.HTTP_STATUS)
                .status(429).code("insufficient_quota").build())).as("quota is not a rate limit")
                .isEqualTo(Admission.Signal.IGNORED);
        assertThat(Admission.Signal.of(ZeroGpuException.builder(Disposition.TRANSIENT, FailureKind.HTTP_STATUS)
                .status(503).build())).isEqualTo(Admission.Signal.IGNORED);
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new Admission.Limits(0, 1, false, 0)).hasMessageContaining("max in-flight");
        assertThatThrownBy(() -> new Admission.Limits(4, 5, true, 0)).hasMessageContaining("min in-flight");
        assertThatThrownBy(() -> new Admission.Limits(4, 1, true, -1)).hasMessageContaining("requests per second");
        assertThat(new Admission.Limits(256, 4, true, 0).withMaxInFlight(2)).isEqualTo(new Admission.Limits(2, 2, true, 0));
    }
}
