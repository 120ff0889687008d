package dev.enricher.engine;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the instance may spend on the API, in US dollars per hour and per day. The windows are fixed and aligned to UTC
 * (each full hour; midnight), not sliding, because that is how a person reads a bill and how they will check the
 * figure in the logs: "$0.52 since 14:00 UTC". When a window's budget is spent the {@link Circuit} pauses the
 * instance until the window ends ({@link #exhaustedUntil}).
 *
 * <p>Thread-safe without locks: transport threads {@link #record} spend as answers arrive, the circuit's thread and
 * metrics read it. The spend is one immutable {@link Windows} value swapped with compare-and-set, so concurrent records
 * add up exactly (in billionths of a dollar) and a reader never sees an hour and a day from different moments. Time is passed in (epoch millis
 * from the engine's clock), so tests move it.
 */
final class SpendBudget {
    private static final long HOUR = 3_600_000L;
    /** Amounts are kept in billionths of a dollar: sums of many small costs stay exact and compare exactly. */
    private static final double NANO_USD = 1e9;
    private static final long DAY = 24 * HOUR;
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * The spend of the current hour and day windows, each with the epoch millis at which it ends. The initial value
     * ends at {@code Long.MIN_VALUE}, so the first look at any time starts fresh windows.
     */
    private record Windows(long hourEnd, long hour, long dayEnd, long day) {
        static final Windows NONE = new Windows(Long.MIN_VALUE, 0, Long.MIN_VALUE, 0);

        /** These windows as seen at {@code now}: a window whose end has passed starts over at 0. */
        Windows at(long now) {
            boolean newHour = now >= hourEnd;
            boolean newDay = now >= dayEnd;
            if (!newHour && !newDay) {
                return this;
            }
            return new Windows(newHour ? Math.floorDiv(now, HOUR) * HOUR + HOUR : hourEnd, newHour ? 0 : hour,
                    newDay ? Math.floorDiv(now, DAY) * DAY + DAY : dayEnd, newDay ? 0 : day);
        }

        Windows plus(long nanoUsd) {
            return new Windows(hourEnd, hour + nanoUsd, dayEnd, day + nanoUsd);
        }
    }

    private final long perHour; // nano-dollars; 0 = none
    private final long perDay;
    private final AtomicReference<Windows> windows = new AtomicReference<>(Windows.NONE);

    /**
     * @param usdPerHour the most to spend in one UTC hour; 0 for no hourly budget
     * @param usdPerDay  the most to spend in one UTC day; 0 for no daily budget
     * @throws IllegalArgumentException if either is negative, NaN or infinite
     */
    SpendBudget(double usdPerHour, double usdPerDay) {
        validated("usd per hour", usdPerHour);
        validated("usd per day", usdPerDay);
        // A budget too small for a billionth still is one: it must not turn into "none".
        this.perHour = usdPerHour > 0 ? Math.max(1, nanoUsd(usdPerHour)) : 0;
        this.perDay = usdPerDay > 0 ? Math.max(1, nanoUsd(usdPerDay)) : 0;
    }

    private static void validated(String name, double usd) {
        if (!(usd >= 0) || Double.isInfinite(usd)) {
            throw new IllegalArgumentException(name + " budget must be a finite amount >= 0 (0 = none), was " + usd);
        }
    }

    private static long nanoUsd(double usd) {
        return Math.round(usd * NANO_USD);
    }

    private static double usd(long nanoUsd) {
        return nanoUsd / NANO_USD;
    }

    /** Whether there is any budget at all; when not, nothing is ever exhausted. */
    boolean configured() {
        return perHour > 0 || perDay > 0;
    }

    /**
     * Adds {@code usd} spent at {@code nowMillis} to the current hour and day. Any thread.
     *
     * @throws IllegalArgumentException if {@code usd} is negative, NaN or infinite
     */
    void record(double usd, long nowMillis) {
        if (!(usd >= 0) || Double.isInfinite(usd)) {
            throw new IllegalArgumentException("spend must be a finite amount >= 0, was " + usd);
        }
        long amount = nanoUsd(usd);
        windows.updateAndGet(w -> w.at(nowMillis).plus(amount));
    }

    /**
     * When a budget is spent: the epoch millis at which its window ends and sending may resume (the later end if both
     * are spent); -1 while there is budget left. Any thread.
     */
    long exhaustedUntil(long nowMillis) {
        Windows w = windows.get().at(nowMillis);
        long until = -1;
        if (hourSpent(w)) {
            until = w.hourEnd;
        }
        if (daySpent(w)) {
            until = Math.max(until, w.dayEnd);
        }
        return until;
    }

    /** Spent since the start of the current UTC hour. */
    double spentThisHour(long nowMillis) {
        return usd(windows.get().at(nowMillis).hour);
    }

    /** Spent since the last UTC midnight. */
    double spentToday(long nowMillis) {
        return usd(windows.get().at(nowMillis).day);
    }

    /** The share of the budget used, for a gauge: the larger of the configured windows' spend / budget; 0 if none. */
    double usedFraction(long nowMillis) {
        Windows w = windows.get().at(nowMillis);
        double used = 0;
        if (perHour > 0) {
            used = (double) w.hour / perHour;
        }
        if (perDay > 0) {
            used = Math.max(used, (double) w.day / perDay);
        }
        return used;
    }

    /**
     * For logs and the circuit's reason: which budget is spent, how much, and when sending resumes; or how much is
     * left when none is.
     */
    String describe(long nowMillis) {
        Windows w = windows.get().at(nowMillis);
        List<String> spent = new ArrayList<>();
        if (hourSpent(w)) {
            spent.add("the hour's budget of " + dollars(perHour) + " is spent (" + dollars(w.hour) + " since "
                    + time(w.hourEnd - HOUR) + ")");
        }
        if (daySpent(w)) {
            spent.add("the day's budget of " + dollars(perDay) + " is spent (" + dollars(w.day) + " since "
                    + time(w.dayEnd - DAY) + " on " + DATE.format(Instant.ofEpochMilli(w.dayEnd - DAY)) + ")");
        }
        if (spent.isEmpty()) {
            if (!configured()) {
                return "no budget";
            }
            List<String> left = new ArrayList<>();
            if (perHour > 0) {
                left.add(dollars(w.hour) + " of " + dollars(perHour) + " spent this hour");
            }
            if (perDay > 0) {
                left.add(dollars(w.day) + " of " + dollars(perDay) + " spent today");
            }
            return "within budget: " + String.join(", ", left);
        }
        long until = exhaustedUntil(nowMillis);
        String resumes = until == w.dayEnd ? time(until) + " on " + DATE.format(Instant.ofEpochMilli(until))
                : time(until);
        return String.join(" and ", spent) + "; sending resumes at " + resumes;
    }

    @Override
    public String toString() {
        return "SpendBudget[usdPerHour=" + usd(perHour) + ", usdPerDay=" + usd(perDay) + "]";
    }

    private boolean hourSpent(Windows w) {
        return perHour > 0 && w.hour >= perHour;
    }

    private boolean daySpent(Windows w) {
        return perDay > 0 && w.day >= perDay;
    }

    private static String time(long epochMillis) {
        return CLOCK_TIME.format(Instant.ofEpochMilli(epochMillis)) + " UTC";
    }

    /** Cents, or more digits (up to four) when a small budget needs them: "$0.50", "$0.0125". */
    private static String dollars(long nanoUsd) {
        String s = String.format(Locale.ROOT, "%.4f", usd(nanoUsd));
        int end = s.length();
        while (end > s.indexOf('.') + 3 && s.charAt(end - 1) == '0') {
            end--;
        }
        return "$" + s.substring(0, end);
    }
}
