package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.testing.ManualTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The one owner of admission: cap, turns between lanes, gate and probe, rate limit, adaptive limit. Time moved by hand;
 * the adaptive limit also against a simulated API in virtual time ({@link Traffic}): a trickle of 429s, a storm, a
 * real rate limit.
 */
class AdmissionTest {
    /** The simulated API's latency: one round trip. */
    private static final Duration L = Duration.ofMillis(150);
    /** Its Retry-After on every 429, as the simulator's default. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

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

    /** An admission whose work is named "name:estimate", the estimate being its prompt tokens. */
    private Admission<String> tokenAdmission(Admission.Limits limits) {
        return new Admission<>(limits, time, time, open::get, (work, permit) -> {
            started.add(work);
            permits.add(permit);
        }, work -> Long.parseLong(work.substring(work.indexOf(':') + 1)));
    }

    /**
     * {@link #tokenAdmission} with {@code works} (each {@code name:estimate}) submitted in order to one lane, then
     * pumped once.
     */
    private Admission<String> pumped(Admission.Limits limits, String... works) {
        Admission<String> a = tokenAdmission(limits);
        Admission<String>.Lane lane = a.openLane("l");
        for (String w : works) {
            lane.submit(w);
        }
        a.pump();
        return a;
    }

    /** 600 tokens a minute: 10 a second, a bucket of 100 (ten seconds' worth). */
    private static Admission.Limits tokensPerMinute(double perMinute) {
        return Admission.Limits.fixed(100).withTokensPerMinute(perMinute);
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
    void aThirdOfTheLastAnswersRefusedCutsTheLimitOncePerBurst() {
        Admission<String> a = admission(new Admission.Limits(64, 2, true, 0));
        Admission<String>.Lane lane = a.openLane("l");
        for (int i = 0; i < 3_000; i++) {
            lane.submit("w" + i);
        }
        a.pump();
        assertThat(a.limit()).isEqualTo(64);
        for (int i = 0; i < 20; i++) {
            releaseOldest(Admission.Signal.RATE_LIMITED);
        }
        assertThat(a.limit()).as("20 429s in a row are not yet a third of 64 answers").isEqualTo(64);
        releaseOldest(Admission.Signal.RATE_LIMITED);
        assertThat(a.limit()).isEqualTo(32);
        assertThat(a.inFlight()).as("no new start while over the new limit").isEqualTo(63);
        for (int i = 0; i < 40; i++) {
            releaseOldest(Admission.Signal.RATE_LIMITED);
        }
        assertThat(a.limit()).as("429s to calls sent before the cut are the same burst: no second cut").isEqualTo(32);
        assertThat(a.inFlight()).as("released down to the new limit, then kept at it").isEqualTo(32);
        releaseOldest(Admission.Signal.IGNORED);
        assertThat(a.limit()).as("a 5xx says nothing about load").isEqualTo(32);
        int successes = 0;
        while (!permits.isEmpty() && a.limit() < 64) {
            releaseOldest(Admission.Signal.SUCCESS);
            successes++;
        }
        assertThat(a.limit()).isEqualTo(64);
        // Near the ceiling the server showed, one slot per round trip: 32 round trips of 32..63 calls.
        assertThat(successes).isBetween(1_400, 1_600);
    }

    /** What the simulated API answers an attempt started at a given time. */
    private enum Answer { OK, RATE_LIMITED, SERVER_ERROR }

    @FunctionalInterface
    private interface Server {
        Answer answer(long nowNanos);
    }

    /**
     * A closed loop against a simulated API in virtual time: {@code backlog} calls, each answered {@link #L} after it
     * starts (a 429 after 1 ms: the simulator refuses at once), a success replaced by a new call, a 429 submitted
     * again after its {@link #RETRY_AFTER}, a 5xx after a backoff of up to a second, as the retry policy does.
     */
    private final class Traffic {
        final Admission<Integer> admission;
        final Admission<Integer>.Lane lane;
        final Server server;
        final Random random = new Random(7);
        long succeeded;
        long refused;
        long failed;
        int next;

        Traffic(Admission.Limits limits, int backlog, Server server) {
            this.server = server;
            this.admission = new Admission<>(limits, time, time, () -> true, this::start);
            this.lane = admission.openLane("traffic");
            for (int i = 0; i < backlog; i++) {
                lane.submit(next++);
            }
            admission.pump();
        }

        private void start(Integer call, Admission<Integer>.Permit permit) {
            Answer answer = server.answer(time.read());
            time.schedule(() -> answered(call, permit, answer),
                    answer == Answer.RATE_LIMITED ? Duration.ofMillis(1) : L);
        }

        private void answered(Integer call, Admission<Integer>.Permit permit, Answer answer) {
            switch (answer) {
                case OK -> {
                    succeeded++;
                    permit.release(Admission.Signal.SUCCESS);
                    lane.submit(next++);
                }
                case RATE_LIMITED -> {
                    refused++;
                    permit.release(Admission.Signal.RATE_LIMITED);
                    time.schedule(() -> again(call), RETRY_AFTER);
                }
                case SERVER_ERROR -> {
                    failed++;
                    permit.release(Admission.Signal.IGNORED);
                    time.schedule(() -> again(call), Duration.ofMillis(random.nextInt(1000)));
                }
            }
            admission.pump();
        }

        private void again(Integer call) {
            lane.submitFirst(call);
            admission.pump();
        }

        long attempts() {
            return succeeded + refused + failed;
        }
    }

    private static final Duration STEP = Duration.ofMillis(10);

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    @Test
    void aSteadyTrickleOf429sIsNotOverload() {
        // 5 % of the attempts answered 429 and 5 % 5xx, at random: the case, C = 128, L = 150 ms.
        Random random = new Random(12);
        Traffic t = new Traffic(new Admission.Limits(128, 4, true, 0), 256, now -> {
            double u = random.nextDouble();
            return u < 0.05 ? Answer.RATE_LIMITED : u < 0.10 ? Answer.SERVER_ERROR : Answer.OK;
        });
        int lowest = 128;
        while (time.read() < seconds(30)) {
            time.advance(STEP);
            lowest = Math.min(lowest, t.admission.limit());
        }
        assertThat(t.refused).as("about 5 %% of %d attempts", t.attempts()).isGreaterThan(1_000);
        assertThat(lowest).as("the limit never moved").isEqualTo(128);
        // Calls stay on the wire: C / L x (1 - p), the 429s taking no slot time.
        assertThat(t.succeeded / 30.0).isGreaterThan(0.9 * 128 / 0.150 * 0.9);
    }

    @Test
    void aStormCutsTheLimitWithinASecondAndItRecoversWithinBoundedRoundTrips() {
        long stormFrom = seconds(2);
        long stormTo = seconds(5);
        Traffic t = new Traffic(new Admission.Limits(128, 4, true, 0), 256,
                now -> now >= stormFrom && now < stormTo ? Answer.RATE_LIMITED : Answer.OK);
        long halvedAt = -1;
        long recoveredAt = -1;
        int lowest = 128;
        while (time.read() < seconds(15)) {
            time.advance(STEP);
            int limit = t.admission.limit();
            if (time.read() < stormFrom) {
                assertThat(limit).isEqualTo(128);
            }
            if (halvedAt < 0 && limit <= 64) {
                halvedAt = time.read();
            }
            if (time.read() < stormTo) {
                lowest = Math.min(lowest, limit);
            } else if (recoveredAt < 0 && limit == 128) {
                recoveredAt = time.read();
            }
        }
        assertThat(Duration.ofNanos(halvedAt - stormFrom)).as("the storm halves the limit").isLessThan(Duration.ofSeconds(1));
        // The calls refused last wait their Retry-After; then about 20 round trips back to the max.
        assertThat(recoveredAt).as("recovered").isPositive();
        assertThat(Duration.ofNanos(recoveredAt - stormTo)).isLessThanOrEqualTo(RETRY_AFTER.plus(L.multipliedBy(25)));
        assertThat(lowest).as("the storm cut it to the floor").isEqualTo(4);
        assertThat(t.succeeded).isPositive();
    }

    @Test
    void aRealRateLimitIsMetWithFewCallsRefused() {
        // 400 calls a second with a second of burst, as the simulator's --rps; C / L would be 853 a second.
        double rate = 400;
        long interval = (long) (1e9 / rate);
        long[] theoretical = {Long.MIN_VALUE}; // GCRA, as the simulator's TokenBucket
        Traffic t = new Traffic(new Admission.Limits(128, 4, true, 0), 256, now -> {
            long base = Math.max(theoretical[0], now);
            if (base + interval - now > (long) rate * interval) {
                return Answer.RATE_LIMITED;
            }
            theoretical[0] = base + interval;
            return Answer.OK;
        });
        while (time.read() < seconds(20)) {
            time.advance(STEP);
        }
        long okBefore = t.succeeded;
        long attemptsBefore = t.attempts();
        long refusedBefore = t.refused;
        while (time.read() < seconds(60)) {
            time.advance(STEP);
        }
        double okPerSecond = (t.succeeded - okBefore) / 40.0;
        double refusedShare = (double) (t.refused - refusedBefore) / (t.attempts() - attemptsBefore);
        assertThat(okPerSecond).as("the rate limit's rate").isBetween(0.9 * rate, 1.01 * rate);
        assertThat(refusedShare).as("share of attempts refused").isLessThan(0.05);
        assertThat(t.admission.limit()).isBetween(40, 100);
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
    void theTokenLimitAdmitsWhileTheBalanceIsPositiveAndWakesWhenTheDebtIsPaid() {
        Admission<String> a = pumped(tokensPerMinute(600), "a:80", "b:80", "c:10");
        assertThat(started).as("100 - 80 = 20 left is still positive: b goes too").containsExactly("a:80", "b:80");
        assertThat(a.tokenBalance()).isEqualTo(-60.0);
        assertThat(permits.get(1).estimatedTokens()).isEqualTo(80);
        assertThat(time.scheduled()).as("a wake-up for when the debt is paid").isEqualTo(1);
        // 60 tokens at 10 a second: paid off after exactly 6 s, positive one nanosecond later.
        time.advance(Duration.ofSeconds(6));
        assertThat(started).hasSize(2);
        assertThat(a.tokenBalance()).isEqualTo(0.0);
        time.advance(Duration.ofNanos(1));
        assertThat(started).containsExactly("a:80", "b:80", "c:10");
    }

    @Test
    void aReleaseWithFewerTokensThanEstimatedRefundsAndWithMoreAddsDebt() {
        Admission<String> a = tokenAdmission(tokensPerMinute(600));
        Admission<String>.Lane lane = a.openLane("l");
        lane.submit("a:80");
        lane.submit("b:80");
        lane.submit("c:10");
        a.pump();
        assertThat(started).hasSize(2);
        permits.get(0).release(Admission.Signal.SUCCESS, 10);
        assertThat(started).as("a used 70 fewer than estimated: c goes at once, not in 6 s")
                .containsExactly("a:80", "b:80", "c:10");
        assertThat(time.read()).isZero();
        assertThat(a.tokenBalance()).isEqualTo(0.0); // -60 + 70 - 10
        permits.get(1).release(Admission.Signal.SUCCESS, 130);
        assertThat(a.tokenBalance()).as("b used 50 more than estimated").isEqualTo(-50.0);
        lane.submit("d:1");
        a.pump();
        time.advance(Duration.ofSeconds(5));
        assertThat(started).as("5 s pay the 50 of debt off, to 0").hasSize(3);
        time.advance(Duration.ofNanos(1));
        assertThat(started).as("the sooner wake-up, not the one armed for c").containsExactly("a:80", "b:80", "c:10",
                "d:1");
    }

    @Test
    void anUnknownUseOrAPlainReleaseLeavesTheEstimateChargedAndOnlyTheFirstReleaseCounts() {
        Admission<String> a = pumped(tokensPerMinute(600), "a:30", "b:30");
        assertThat(a.tokenBalance()).isEqualTo(40.0);
        permits.get(0).release(Admission.Signal.SUCCESS, -1);
        permits.get(1).release(Admission.Signal.SUCCESS);
        assertThat(a.tokenBalance()).isEqualTo(40.0);
        permits.get(0).release(Admission.Signal.SUCCESS, 0);
        assertThat(a.tokenBalance()).as("a second release refunds nothing").isEqualTo(40.0);
        assertThat(a.inFlight()).isZero();
    }

    @Test
    void workLargerThanTheBucketStillGoesWhenTheBalanceIsPositiveAndItsDebtDelaysTheNext() {
        Admission<String> a = pumped(tokensPerMinute(600), "huge:1000", "next:1");
        assertThat(started).containsExactly("huge:1000");
        assertThat(a.tokenBalance()).isEqualTo(-900.0);
        time.advance(Duration.ofSeconds(90));
        assertThat(started).hasSize(1);
        time.advance(Duration.ofNanos(1));
        assertThat(started).containsExactly("huge:1000", "next:1");
    }

    @Test
    void noTokenLimitByDefault() {
        Admission<String> a = tokenAdmission(Admission.Limits.fixed(5));
        Admission<String>.Lane lane = a.openLane("l");
        for (int i = 0; i < 5; i++) {
            lane.submit("w" + i + ":1000000");
        }
        a.pump();
        assertThat(started).hasSize(5);
        assertThat(permits.get(0).estimatedTokens()).as("nothing charged").isZero();
        assertThat(a.tokenBalance()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(time.scheduled()).isZero();
    }

    @Test
    void aProbeIgnoresTheTokenLimitAndWhatItUsedBecomesDebt() {
        Admission<String> a = pumped(tokensPerMinute(600), "a:500", "b:10");
        assertThat(a.tokenBalance()).isEqualTo(-400.0);
        open.set(false);
        assertThat(a.probe()).isEqualTo(Admission.ProbeResult.SENT);
        assertThat(started).containsExactly("a:500", "b:10");
        assertThat(permits.get(1).estimatedTokens()).isZero();
        permits.get(1).release(Admission.Signal.SUCCESS, 15);
        assertThat(a.tokenBalance()).isEqualTo(-415.0);
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new Admission.Limits(0, 1, false, 0)).hasMessageContaining("max in-flight");
        assertThatThrownBy(() -> new Admission.Limits(4, 5, true, 0)).hasMessageContaining("min in-flight");
        assertThatThrownBy(() -> new Admission.Limits(4, 1, true, -1)).hasMessageContaining("requests per second");
        assertThat(new Admission.Limits(256, 4, true, 0).withMaxInFlight(2)).isEqualTo(new Admission.Limits(2, 2, true, 0));
    }

    @Test
    void theTokenLimitIsValidatedAndKept() {
        assertThatThrownBy(() -> new Admission.Limits(4, 1, true, 0, -1)).hasMessageContaining("tokens per minute")
                .hasMessageContaining("-1.0");
        assertThatThrownBy(() -> Admission.Limits.fixed(4).withTokensPerMinute(Double.NaN))
                .hasMessageContaining("tokens per minute").hasMessageContaining("NaN");
        assertThat(new Admission.Limits(4, 1, true, 5).tokensPerMinute()).isZero();
        assertThat(new Admission.Limits(256, 4, true, 5, 90_000).withMaxInFlight(2))
                .isEqualTo(new Admission.Limits(2, 2, true, 5, 90_000));
    }
}
