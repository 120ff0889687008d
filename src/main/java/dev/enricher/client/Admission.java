package dev.enricher.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when a call may go on the wire: the one owner of the in-flight cap, the adaptive limit that overload (many
 * 429s, not a few) lowers, the requests-per-second and tokens-per-minute limits and the fairness between the callers that share them. It sends nothing
 * itself and never retries: it hands each admitted piece of work with a {@link Permit} to the {@link Starter}, which
 * makes the attempt and {@linkplain Permit#release releases} the permit with how it went.
 *
 * <p>Fairness. Every caller submits to a {@link Lane} of its own (the engine: one per stream task; a standalone
 * {@link ZeroGpuClient}: one). Free slots go to the lanes with work in turn (round robin), one piece of work each, so
 * a flooded lane cannot starve a small one, also when a 429 storm has cut the limit to a few slots: the limit is
 * applied here, in front of the lanes, not in a first-in-first-out queue behind them.
 *
 * <p>Order of the checks, for each piece of work: the gate ({@code open}: false while an owner such as the engine's
 * circuit stops sending), the in-flight cap (the adaptive limit, never above {@link Limits#maxInFlight()}), the rate
 * limits: requests per second (a token bucket) and model tokens per minute (a bucket the work's estimated prompt
 * tokens are taken from, allowed to go into debt, settled with the tokens really used when the permit is released).
 * A piece of work is charged to neither bucket unless both let it go; when one holds it back, a timer on the
 * {@link Scheduler} sends again when it is due.
 *
 * <p>Thread-safe: any thread may submit, release or pump. The state is a few fields guarded by {@code this}; the
 * critical sections only move work between queues, and work is started outside them.
 *
 * @param <W> the caller's piece of work (one attempt of one call)
 */
public final class Admission<W> {
    private static final Logger LOG = LoggerFactory.getLogger(Admission.class);

    /**
     * The limits of one admission.
     *
     * @param maxInFlight       hard ceiling of calls on the wire at once
     * @param minInFlight       the floor the adaptive limit never goes below (1..maxInFlight)
     * @param adaptive          lower the limit on evidence of overload (halving when a third of the last 64
     *                          answers are 429s; {@code AimdLimit}) and raise it back on success; false keeps it at
     *                          {@code maxInFlight}
     * @param requestsPerSecond ceiling of attempts per second; 0 for none
     * @param tokensPerMinute   ceiling of model tokens per minute, as the API counts them; 0 for none. Work is
     *                          admitted while the balance is positive and charged its estimate (see
     *                          {@link Admission#Admission(Limits, Ticker, Scheduler, BooleanSupplier, Starter,
     *                          ToLongFunction)}); the bucket holds ten seconds' worth
     */
    public record Limits(int maxInFlight, int minInFlight, boolean adaptive, double requestsPerSecond,
                         double tokensPerMinute) {
        public Limits {
            if (maxInFlight < 1) {
                throw new IllegalArgumentException("max in-flight must be >= 1, was " + maxInFlight);
            }
            if (minInFlight < 1 || minInFlight > maxInFlight) {
                throw new IllegalArgumentException("min in-flight must be between 1 and max in-flight (" + maxInFlight
                        + "), was " + minInFlight);
            }
            if (requestsPerSecond < 0 || Double.isNaN(requestsPerSecond)) {
                throw new IllegalArgumentException("requests per second must be >= 0 (0 = unlimited), was "
                        + requestsPerSecond);
            }
            if (tokensPerMinute < 0 || Double.isNaN(tokensPerMinute) || Double.isInfinite(tokensPerMinute)) {
                throw new IllegalArgumentException("tokens per minute must be >= 0 and finite (0 = unlimited), was "
                        + tokensPerMinute);
            }
        }

        /** No tokens-per-minute limit. */
        public Limits(int maxInFlight, int minInFlight, boolean adaptive, double requestsPerSecond) {
            this(maxInFlight, minInFlight, adaptive, requestsPerSecond, 0);
        }

        /** At most {@code maxInFlight}, not adaptive, no rate limit. */
        public static Limits fixed(int maxInFlight) {
            return new Limits(maxInFlight, maxInFlight, false, 0, 0);
        }

        /** These limits with another ceiling; the floor is lowered to it if it was above. */
        public Limits withMaxInFlight(int max) {
            return new Limits(max, Math.min(minInFlight, Math.max(1, max)), adaptive, requestsPerSecond,
                    tokensPerMinute);
        }

        /** These limits with another tokens-per-minute ceiling (0: none). */
        public Limits withTokensPerMinute(double perMinute) {
            return new Limits(maxInFlight, minInFlight, adaptive, requestsPerSecond, perMinute);
        }
    }

    /** How an attempt went, as far as the adaptive limit cares. */
    public enum Signal {
        /** Answered: the limit may grow. */
        SUCCESS,
        /** Answered 429 rate_limit_exceeded: evidence of overload; many of them shrink the limit. */
        RATE_LIMITED,
        /** Anything else: the limit stays. */
        IGNORED;

        /** The signal of an attempt that ended with {@code error} (null: success). */
        public static Signal of(ZeroGpuException error) {
            if (error == null) {
                return SUCCESS;
            }
            return error.status() == 429 && error.disposition() == Disposition.TRANSIENT ? RATE_LIMITED : IGNORED;
        }
    }

    /** What {@link #probe()} did. */
    public enum ProbeResult {
        /** One piece of work was started as a probe. */
        SENT,
        /** Every slot is taken: try again later. */
        NO_SLOT,
        /** No lane has work waiting. */
        NOTHING_WAITING
    }

    /**
     * Makes one attempt of an admitted piece of work. Called on whichever thread pumped (a submitter, the thread that
     * released a permit, or the scheduler's), outside the admission's lock; must not block.
     */
    @FunctionalInterface
    public interface Starter<W> {
        /**
         * Starts {@code work}; when the attempt has ended (on any thread), {@link Permit#release} the permit exactly
         * once. A starter that throws has its permit released for it.
         */
        void start(W work, Admission<W>.Permit permit);
    }

    /** One admitted attempt's slot; released once, by whoever sees the attempt end first. */
    public final class Permit {
        private final boolean probe;
        /** The adaptive limit's epoch when the attempt started: its answer is evidence about that limit only. */
        private final long epoch;
        /** Model tokens taken from the tokens-per-minute bucket when it started (0 for a probe or no such limit). */
        private final long charged;
        private boolean released; // guarded by Admission.this

        private Permit(boolean probe, long epoch, long charged) {
            this.probe = probe;
            this.epoch = epoch;
            this.charged = charged;
        }

        /** True when this attempt was started by {@link #probe()} while the gate was shut. */
        public boolean probe() {
            return probe;
        }

        /** The model tokens this attempt was charged when it started: its estimate (0 for a probe or no limit). */
        public long estimatedTokens() {
            return charged;
        }

        /**
         * Frees the slot, tells the adaptive limit how the attempt went, and starts what the freed slot allows. Any
         * thread; calls after the first do nothing. The tokens-per-minute bucket keeps the estimate it was charged.
         */
        public void release(Signal signal) {
            release(signal, -1);
        }

        /**
         * As {@link #release(Signal)}, and settles the tokens-per-minute bucket with the tokens the attempt really
         * used: an answer smaller than its estimate refunds the difference (waiting work may go sooner), a larger one
         * adds debt. A probe was charged nothing, so all it used is debt. Any thread; calls after the first do nothing.
         *
         * @param actualTokens the tokens the API counted for the attempt (prompt and completion); negative when
         *                     unknown, which leaves the estimate charged
         */
        public void release(Signal signal, long actualTokens) {
            Objects.requireNonNull(signal, "signal");
            int loggedBefore = -1;
            int now;
            synchronized (Admission.this) {
                if (released) {
                    return;
                }
                released = true;
                inFlight--;
                if (tokens != null && actualTokens >= 0 && actualTokens != charged) {
                    tokens.correct(charged - actualTokens, ticker.read());
                }
                if (signal != Signal.IGNORED) {
                    int before = limit.current();
                    if (signal == Signal.SUCCESS) {
                        limit.onSuccess(epoch);
                    } else {
                        limit.onRateLimited(epoch);
                    }
                    if (limit.current() != before) {
                        loggedBefore = limitChangeToLog(limit.current());
                    }
                }
                now = limit.current();
            }
            if (loggedBefore >= 0) {
                logLimitChange(loggedBefore, now);
            }
            pump();
        }
    }

    /**
     * One caller's queue of work waiting for a slot. Work leaves it in the order it was submitted, except that
     * {@link #submitFirst} goes ahead of everything (a call held back or due for a retry). Thread-safe.
     */
    public final class Lane {
        private final String name;
        private final ArrayDeque<W> waiting = new ArrayDeque<>(); // guarded by Admission.this
        private boolean inRing;  // guarded by Admission.this
        private boolean closed;  // guarded by Admission.this

        private Lane(String name) {
            this.name = name;
        }

        /** Queues {@code work} last. Returns false (dropping it) when the lane is closed. Does not pump. */
        public boolean submit(W work) {
            return add(work, false);
        }

        /** Queues {@code work} first. Returns false (dropping it) when the lane is closed. Does not pump. */
        public boolean submitFirst(W work) {
            return add(work, true);
        }

        private boolean add(W work, boolean first) {
            Objects.requireNonNull(work, "work");
            synchronized (Admission.this) {
                if (closed) {
                    return false;
                }
                if (first) {
                    waiting.addFirst(work);
                } else {
                    waiting.addLast(work);
                }
                waitingInAll++;
                if (!inRing) {
                    inRing = true;
                    ring.addLast(this);
                }
                return true;
            }
        }

        /** Closes the lane: its waiting work is dropped and returned; later submissions are refused. Idempotent. */
        public List<W> close() {
            synchronized (Admission.this) {
                closed = true;
                List<W> dropped = new ArrayList<>(waiting);
                waitingInAll -= waiting.size();
                waiting.clear();
                return dropped;
            }
        }

        public boolean isClosed() {
            synchronized (Admission.this) {
                return closed;
            }
        }

        /** Work waiting in this lane, first to leave first; a snapshot. */
        public List<W> waiting() {
            synchronized (Admission.this) {
                return List.copyOf(waiting);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final Limits limits;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final BooleanSupplier open;
    private final Starter<W> starter;
    private final ToLongFunction<W> estimatedTokens;

    // Guarded by this.
    private final ArrayDeque<Lane> ring = new ArrayDeque<>();
    private final ConcurrencyLimit limit;
    private final TokenBucket bucket;
    private final TokenRateBucket tokens;
    private int inFlight;
    private int waitingInAll;
    /** When the armed rate timer fires (ticker nanos); Long.MAX_VALUE when none is armed. */
    private long rateTimerDue = Long.MAX_VALUE;
    private int lastLoggedLimit;

    /**
     * @param ticker    time for the rate limit
     * @param scheduler runs the pump when the rate limit's next token is due
     * @param open      the gate, read before each start: false stops sending (only {@link #probe()} sends then); call
     *                  {@link #pump()} when it opens again
     * @param starter   makes the attempts
     */
    public Admission(Limits limits, Ticker ticker, Scheduler scheduler, BooleanSupplier open, Starter<W> starter) {
        this(limits, ticker, scheduler, open, starter, w -> 0);
    }

    /**
     * @param ticker          time for the rate limits
     * @param scheduler       runs the pump when a rate limit lets work go again
     * @param open            the gate, read before each start: false stops sending (only {@link #probe()} sends
     *                        then); call {@link #pump()} when it opens again
     * @param starter         makes the attempts
     * @param estimatedTokens the prompt tokens a piece of work is expected to use, charged to the tokens-per-minute
     *                        limit when it starts (negative counts as 0). Called under the admission's lock on the
     *                        pumping thread, only when that limit is set: must be cheap and must not call back
     */
    public Admission(Limits limits, Ticker ticker, Scheduler scheduler, BooleanSupplier open, Starter<W> starter,
                     ToLongFunction<W> estimatedTokens) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.open = Objects.requireNonNull(open, "open");
        this.starter = Objects.requireNonNull(starter, "starter");
        this.estimatedTokens = Objects.requireNonNull(estimatedTokens, "estimatedTokens");
        this.limit = limits.adaptive() ? ConcurrencyLimit.aimd(limits.minInFlight(), limits.maxInFlight())
                : ConcurrencyLimit.fixed(limits.maxInFlight());
        this.bucket = limits.requestsPerSecond() > 0 ? new TokenBucket(limits.requestsPerSecond(), ticker.read()) : null;
        this.tokens = limits.tokensPerMinute() > 0 ? new TokenRateBucket(limits.tokensPerMinute(), ticker.read())
                : null;
        this.lastLoggedLimit = limits.maxInFlight();
    }

    /** A new lane named {@code name} (for logs). */
    public Lane openLane(String name) {
        return new Lane(Objects.requireNonNull(name, "name"));
    }

    /** Starts as much waiting work as the gate, the limit and the rate allow. Any thread; never blocks. */
    public void pump() {
        List<W> admitted = null;
        List<Long> charges = null;
        W first = null;
        long firstCharge = 0;
        long epoch;
        synchronized (this) {
            while (inFlight < limit.current() && open.getAsBoolean()) {
                Lane lane = nextLaneWithWork();
                if (lane == null) {
                    break;
                }
                long now = bucket != null || tokens != null ? ticker.read() : 0;
                // Both buckets are asked before either is charged: a request token taken for work the token
                // limit then holds back would be lost.
                if (tokens != null && !tokens.positive(now)) {
                    armRateTimer(now, tokens.nanosUntilPositive(now));
                    break;
                }
                if (bucket != null && !bucket.tryTake(now)) {
                    armRateTimer(now, bucket.nanosUntilNext(now));
                    break;
                }
                long charge = 0;
                if (tokens != null) {
                    charge = Math.max(0, estimatedTokens.applyAsLong(lane.waiting.peekFirst()));
                    tokens.take(charge);
                }
                W work = take(lane);
                inFlight++;
                if (first == null) {
                    first = work; // the usual case: one released slot admits one piece of work
                    firstCharge = charge;
                } else {
                    if (admitted == null) {
                        admitted = new ArrayList<>();
                        charges = new ArrayList<>();
                    }
                    admitted.add(work);
                    charges.add(charge);
                }
            }
            epoch = limit.epoch();
        }
        if (first != null) {
            start(first, false, epoch, firstCharge);
        }
        if (admitted != null) {
            for (int i = 0; i < admitted.size(); i++) {
                start(admitted.get(i), false, epoch, charges.get(i));
            }
        }
    }

    /**
     * Starts one waiting piece of work (the next lane's in turn) whatever the gate says, as a probe of whether the API
     * answers again; the rate limits do not apply (nothing is charged to the tokens-per-minute bucket up front; what
     * the probe used is, if its permit is released with it). Any thread.
     */
    public ProbeResult probe() {
        W work;
        long epoch;
        synchronized (this) {
            if (inFlight >= limit.current()) {
                return ProbeResult.NO_SLOT;
            }
            Lane lane = nextLaneWithWork();
            if (lane == null) {
                return ProbeResult.NOTHING_WAITING;
            }
            work = take(lane);
            inFlight++;
            epoch = limit.epoch();
        }
        start(work, true, epoch, 0);
        return ProbeResult.SENT;
    }

    /** Attempts started and not yet released: on the wire. */
    public synchronized int inFlight() {
        return inFlight;
    }

    /**
     * Work submitted and not yet started, all lanes together: waiting for a slot under the limit, a rate-limit token,
     * or the gate to open. (Work waiting for a retry's backoff is its caller's until it is submitted again.)
     */
    public synchronized int waiting() {
        return waitingInAll;
    }

    /** The current in-flight ceiling: lowered on overload when adaptive, never above the maximum. */
    public synchronized int limit() {
        return limit.current();
    }

    /**
     * The tokens-per-minute bucket's balance now, for metrics and tests: at most ten seconds' worth, negative while
     * in debt (work waits until it is positive again); {@link Double#POSITIVE_INFINITY} when there is no such limit.
     */
    public synchronized double tokenBalance() {
        return tokens == null ? Double.POSITIVE_INFINITY : tokens.balance(ticker.read());
    }

    private void start(W work, boolean probe, long epoch, long charge) {
        Permit permit = new Permit(probe, epoch, charge);
        try {
            starter.start(work, permit);
        } catch (RuntimeException e) {
            LOG.error("starting a call failed; its slot is freed", e);
            permit.release(Signal.IGNORED, 0); // nothing went out: its tokens are refunded
        }
    }

    /** Under the lock: the lane at the head of the ring with work, dropping closed and empty lanes from the ring. */
    private Lane nextLaneWithWork() {
        Lane lane;
        while ((lane = ring.peekFirst()) != null) {
            if (!lane.closed && !lane.waiting.isEmpty()) {
                return lane;
            }
            ring.pollFirst();
            lane.inRing = false;
        }
        return null;
    }

    /** Under the lock: takes the lane's next work and moves the lane to the back of the ring (or out of it). */
    private W take(Lane lane) {
        W work = lane.waiting.pollFirst();
        waitingInAll--;
        ring.pollFirst();
        if (lane.waiting.isEmpty()) {
            lane.inRing = false;
        } else {
            ring.addLast(lane);
        }
        return work;
    }

    /**
     * Under the lock: makes sure a pump runs {@code nanos} from {@code now} (at least a millisecond: a timer per
     * nanosecond of a rounding error would spin). One timer at a time, unless the new one is due sooner: the two
     * limits wait for different times, and a refund can make the shorter wait the one that matters.
     */
    private void armRateTimer(long now, long nanos) {
        long due = now + Math.max(1_000_000, nanos);
        if (due >= rateTimerDue) {
            return;
        }
        rateTimerDue = due;
        scheduler.schedule(() -> {
            synchronized (this) {
                if (rateTimerDue == due) {
                    rateTimerDue = Long.MAX_VALUE;
                }
            }
            pump();
        }, Duration.ofNanos(due - now));
    }

    /**
     * Under the lock: the limit last logged, if {@code newLimit} moved far enough from it to be worth a line (an
     * eighth, or back to the max), remembering the new one; -1 otherwise. Growth moves the limit on every answer: one
     * line per real change.
     */
    private int limitChangeToLog(int newLimit) {
        int previous = lastLoggedLimit;
        if (previous == newLimit || Math.abs(previous - newLimit) < Math.max(1, previous / 8)
                && newLimit != limits.maxInFlight()) {
            return -1;
        }
        lastLoggedLimit = newLimit;
        return previous;
    }

    private static void logLimitChange(int previous, int newLimit) {
        if (newLimit < previous) {
            LOG.warn("overloaded: a third of the API's last answers were 429 rate_limit_exceeded; concurrency limit "
                    + "lowered from {} to {}", previous, newLimit);
        } else {
            LOG.info("concurrency limit raised from {} to {}", previous, newLimit);
        }
    }
}
