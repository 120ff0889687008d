package dev.enricher.engine;

/**
 * What one instance may spend on the API, per fixed UTC window: when a window's spend reaches its budget, the circuit
 * opens with cause BUDGET (nothing sent, the instance paused, nothing lost) until the window rolls over. A global
 * budget is divided by the number of instances (each keeps its own spend).
 *
 * @param usdPerHour budget of each UTC hour, in US dollars; 0 for none
 * @param usdPerDay  budget of each UTC day, in US dollars; 0 for none
 */
public record BudgetSettings(double usdPerHour, double usdPerDay) {
    /** No budget. */
    public static final BudgetSettings NONE = new BudgetSettings(0, 0);

    public BudgetSettings {
        if (!(usdPerHour >= 0) || Double.isInfinite(usdPerHour)) {
            throw new IllegalArgumentException("the hourly budget must be a number >= 0 (0 = none), was " + usdPerHour);
        }
        if (!(usdPerDay >= 0) || Double.isInfinite(usdPerDay)) {
            throw new IllegalArgumentException("the daily budget must be a number >= 0 (0 = none), was " + usdPerDay);
        }
    }

    /** Whether any budget is set. */
    public boolean any() {
        return usdPerHour > 0 || usdPerDay > 0;
    }
}
