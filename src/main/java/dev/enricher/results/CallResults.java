package dev.enricher.results;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The instance's local store of accepted answers, by {@link CallKey}: filled from the call-results topic by the
 * {@link CallResultReader} and at once by the engine when one of its own calls is answered. Bounded in bytes
 * (Caffeine's size-based eviction: the least likely to be asked again go first) and in time: an entry expires
 * {@code ttl} after it was stored (by its {@link Answer#storedAt()}, whoever stored it), as the topic's retention
 * removes it. A miss is never an error: it only means a call.
 *
 * <p>Thread-safe: stream threads look up and put, transport threads put, the reader's thread puts.
 */
public final class CallResults {
    private final Duration ttl;
    private final Clock clock;
    private final Cache<CallKey, Answer> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /**
     * @param ttl      how long an answer is served after it was stored
     * @param maxBytes the bound of the answers held, roughly in bytes of heap
     * @param clock    the time entries expire by (tests move it)
     */
    public CallResults(Duration ttl, long maxBytes, Clock clock) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the TTL must be > 0, was " + ttl);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the size bound must be >= 1 byte, was " + maxBytes);
        }
        this.ttl = ttl;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((CallKey k, Answer a) -> a.weight())
                .expireAfter(new Expiry<CallKey, Answer>() {
                    @Override
                    public long expireAfterCreate(CallKey key, Answer a, long currentTime) {
                        return remainingNanos(a);
                    }

                    @Override
                    public long expireAfterUpdate(CallKey key, Answer a, long currentTime, long currentDuration) {
                        return remainingNanos(a);
                    }

                    @Override
                    public long expireAfterRead(CallKey key, Answer a, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run) // evictions are cheap; no pool thread for them
                .build();
    }

    private long remainingNanos(Answer a) {
        long left = a.storedAt() + ttl.toMillis() - clock.millis();
        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, left));
    }

    /** The answer stored under {@code key}, if one is there and not expired. Counts a hit or a miss. */
    public Answer find(CallKey key) {
        Answer a = cache.getIfPresent(key);
        if (a != null && a.storedAt() + ttl.toMillis() <= clock.millis()) {
            a = null; // Caffeine expires lazily within its own time slices; the TTL is exact here
        }
        (a == null ? misses : hits).increment();
        return a;
    }

    /** Keeps {@code answer} (an expired one is not kept); a later answer for the same key replaces it. */
    public void put(CallKey key, Answer answer) {
        if (answer.storedAt() + ttl.toMillis() > clock.millis()) {
            cache.put(key, answer);
        }
    }

    /** Forgets the answer under {@code key}: the task refused it, so it must not serve another event. */
    public void invalidate(CallKey key) {
        cache.invalidate(key);
    }

    /** How long an answer is served after it was stored. */
    public Duration ttl() {
        return ttl;
    }

    /** Answers held now (expired ones may be counted until cleaned up). */
    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** Lookups that found an answer. */
    public long hits() {
        return hits.sum();
    }

    /** Lookups that found none. */
    public long misses() {
        return misses.sum();
    }
}
