package dev.enricher.client;

/**
 * The adaptive in-flight limit: lowered on evidence of overload, not on every 429. The API publishes no rate limit
 * and no {@code x-ratelimit-*} headers, so the client finds the ceiling from 429 {@code rate_limit_exceeded} answers.
 *
 * <p>Why not halve on each 429. Halving on a 429 and adding one slot per round trip settles, at a steady share p of
 * 429s, near 1.2 / sqrt(p) slots whatever the server could take, as TCP's window does at a steady loss rate: a server
 * that refuses 5 % of calls at random held 128 slots down to 5, a 25th of the throughput. A server that is overloaded
 * or rate limited answers many 429s together; one that refuses a call now and then does not. So:
 *
 * <ul>
 * <li><b>Evidence.</b> The last {@value #WINDOW} answers (successes and 429s; other failures say nothing about load)
 *     are the bits of a {@code long}. When {@value #OVERLOADED} of them (a third) are 429s, the limit is halved. A
 *     steady 5 % of 429s at random gets there with a chance of about 1e-12 per window, 10 % with 1e-6 (15 %: 3e-4,
 *     and beyond that a trickle is hard to tell from overload); a storm gets there on its 21st 429, within
 *     milliseconds.</li>
 * <li><b>One cut per burst.</b> A cut starts a new {@link #epoch()} with an empty window, and answers to calls started
 *     before it are not evidence: they tell of the old limit (TCP cuts its window once per round trip for the same
 *     reason). A storm therefore halves the limit once per 21 429s to calls sent at the new limit, down to the floor.
 *     </li>
 * <li><b>Growth.</b> Each success adds {@code 1 / limit} (one slot per round trip at full use) while the limit is
 *     under 1.5 times the limit the last cut was made at: near a ceiling the server has shown, probe gently, so that a
 *     real rate limit is met rarely and at a small overshoot. Above that, or before any cut, each success adds a
 *     quarter (the limit grows by a quarter per round trip): after a storm, from the floor back to 128 in about 20
 *     round trips; after one cut from 128 to 64, back in 64.</li>
 * </ul>
 *
 * <p>The price of telling a trickle from overload: each meeting with a real rate limit costs about 21 429s (each
 * retried after its {@code Retry-After}). That is a small share of the calls when the limit lets many through per
 * second; when the rate limit allows only a few calls in flight (rate x latency under about 20), it can exceed 5 %,
 * and a known rate limit is better set as {@code api.requests-per-second}.
 *
 * <p>It counts answers, not seconds: telling a trickle from a storm takes a number of answers whatever the time they
 * took, and when calls are too few to fill the window, the limit is not what holds them back. Latency is not read:
 * the API's service time varies with the model and the text, and a 429 says more. A call's {@code Retry-After} is
 * its own (the retry policy waits it before that call's next attempt); it pauses no other call.
 *
 * <p>Not thread-safe (see {@link ConcurrencyLimit}).
 */
final class AimdLimit implements ConcurrencyLimit {
    /** Answers the evidence is taken from: the bits of a long. */
    static final int WINDOW = Long.SIZE;
    /** 429s among them that mean overload. */
    static final int OVERLOADED = WINDOW / 3;
    private static final double DECREASE_FACTOR = 0.5;
    /** Growth stays additive up to this multiple of the limit the last cut was made at. */
    private static final double GENTLE_SPAN = 1.5;
    /** Growth per success beyond that: a quarter of the limit per round trip. */
    private static final double FAST_GROWTH = 0.25;

    private final int min;
    private final int max;
    private double limit;
    /** One bit per answer of this epoch, the newest lowest; 1 = 429. */
    private long window;
    private long epoch;
    /** The limit the last cut was made at; 0 before any cut, or once the limit has grown well past it. */
    private double cutAt;

    AimdLimit(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("need 1 <= min <= max, was min=" + min + " max=" + max);
        }
        this.min = min;
        this.max = max;
        this.limit = max;
    }

    @Override
    public int current() {
        return (int) limit;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public void onSuccess(long startedIn) {
        if (startedIn == epoch) {
            window <<= 1;
        }
        if (limit >= max) {
            return;
        }
        if (cutAt > 0 && limit < cutAt * GENTLE_SPAN) {
            limit += 1.0 / limit;
        } else {
            cutAt = 0;
            limit += FAST_GROWTH;
        }
        limit = Math.min(max, limit);
    }

    @Override
    public void onRateLimited(long startedIn) {
        if (startedIn != epoch) {
            return;
        }
        window = window << 1 | 1;
        if (Long.bitCount(window) >= OVERLOADED) {
            cutAt = limit;
            limit = Math.max(min, Math.floor(limit * DECREASE_FACTOR));
            epoch++;
            window = 0;
        }
    }

    @Override
    public String toString() {
        return "AimdLimit[" + current() + " of " + min + ".." + max + ", " + Long.bitCount(window) + " 429s in the last "
                + WINDOW + " answers]";
    }
}
