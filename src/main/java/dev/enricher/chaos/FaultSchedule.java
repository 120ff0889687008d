package dev.enricher.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A seeded plan of faults over a run's fault phase: rounds in which every chosen kind occurs once, in an order
 * shuffled per round, one at a time with a settling gap after each, for as long as the phase lasts (the first round
 * always runs whole, so every kind occurs at least once however short the phase). The same seed, kinds, duration and
 * instance count give the same plan.
 *
 * <p>One fault at a time keeps each recovery measurable on its own: the time it takes to get back to full
 * throughput belongs to one fault, not to a pile of them.
 */
public final class FaultSchedule {
    private FaultSchedule() {
    }

    /**
     * @param outage how long an API outage lasts: longer than the instances' {@code max.poll.interval.ms}
     */
    public static List<ScheduledFault> plan(Set<FaultKind> kinds, Duration phase, int instances, long seed,
                                            Duration outage) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("no fault kinds to plan");
        }
        if (instances < 1) {
            throw new IllegalArgumentException("instances must be at least 1, was " + instances);
        }
        Random random = new Random(seed);
        List<ScheduledFault> plan = new ArrayList<>();
        long t = 0;
        long end = phase.toMillis();
        boolean firstRound = true;
        while (firstRound || t < end) {
            List<FaultKind> round = new ArrayList<>(kinds);
            Collections.shuffle(round, random);
            for (FaultKind kind : round) {
                if (!firstRound && t >= end) {
                    break;
                }
                long lasts = switch (kind) {
                    case KILL -> 2_000 + random.nextInt(3_000);
                    case STOP -> 3_000 + random.nextInt(4_000);
                    case BROKER_RESTART -> 3_000 + random.nextInt(3_000);
                    case OUTAGE -> outage.toMillis();
                    case STORM, SLOW, RESET -> 6_000 + random.nextInt(6_000);
                };
                int instance = kind.onInstance() ? random.nextInt(instances) : -1;
                plan.add(new ScheduledFault(kind, t, lasts, instance));
                t += lasts + settle(kind) + random.nextInt(2_000);
            }
            firstRound = false;
        }
        return List.copyOf(plan);
    }

    /** Time left after a fault before the next one, so that the service can get back to full speed. */
    private static long settle(FaultKind kind) {
        return switch (kind) {
            // A killed member is noticed only when its session times out, then its tasks restore their state.
            case KILL, STOP, BROKER_RESTART -> 8_000;
            case OUTAGE -> 6_000;
            default -> 4_000;
        };
    }
}
