package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.testing.ManualTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The circuit held open by a spent budget: it pauses like any opening, sends no probes, ignores probes' closes, and
 * closes itself when the budget's window ends. The wall clock (the budget's UTC windows) and the scheduler's time are
 * moved together, the clock first, as they pass in production.
 */
class CircuitBudgetTest {
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(30);

    private final ManualTime time = new ManualTime();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T14:30:00Z"));
    private final EngineStats stats = new EngineStats();
    private final List<String> control = new CopyOnWriteArrayList<>();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger sentAfterClose = new AtomicInteger();
    private final Circuit circuit = new Circuit(
            EngineConfig.defaults().withProbeInterval(PROBE_INTERVAL, PROBE_INTERVAL), stats, time, time);

    CircuitBudgetTest() {
        circuit.control(new InstanceControl() {
            @Override
            public void pause() {
                control.add("pause");
            }

            @Override
            public void resume() {
                control.add("resume");
            }
        });
        circuit.prober(probes::incrementAndGet);
        circuit.afterClose(sentAfterClose::incrementAndGet);
    }

    @AfterEach
    void stop() {
        time.close();
    }

    /** Moves the wall clock, then the scheduler's time (running what falls due). */
    private void pass(Duration d) {
        clock.advance(d);
        time.advance(d);
    }

    @Test
    void aSpentHourPausesWithoutProbesAndTheNextHourResumes() {
        SpendBudget budget = new SpendBudget(0.50, 0);
        budget.record(0.30, clock.millis());
        circuit.openForBudget(budget, clock);
        assertThat(circuit.isOpen()).as("money left").isFalse();

        budget.record(0.22, clock.millis());
        circuit.openForBudget(budget, clock);
        assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
        assertThat(circuit.cause()).isEqualTo(CircuitCause.BUDGET);
        assertThat(circuit.reason()).startsWith("BUDGET").contains("$0.52 since 14:00 UTC")
                .endsWith("sending resumes at 15:00 UTC");
        assertThat(stats.circuitOpens()).isEqualTo(1);
        time.runDue();
        assertThat(control).containsExactly("pause");

        pass(Duration.ofMinutes(29));
        assertThat(probes).as("well past many probe intervals").hasValue(0);
        assertThat(circuit.isOpen()).isTrue();
        assertThat(control).containsExactly("pause");

        pass(Duration.ofMinutes(1));
        assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
        assertThat(circuit.cause()).isNull();
        assertThat(circuit.reason()).isNull();
        assertThat(control).containsExactly("pause", "resume");
        assertThat(sentAfterClose).as("the calls that waited are sent").hasValue(1);
        assertThat(probes).hasValue(0);
        assertThat(stats.circuitOpens()).isEqualTo(1);
    }

    @Test
    void aBudgetStillSpentWhenItsWindowEndsKeepsTheCircuitOpenUntilTheNextEnd() {
        SpendBudget budget = new SpendBudget(0.50, 1.00);
        budget.record(0.50, clock.millis());
        circuit.openForBudget(budget, clock);
        pass(Duration.ofMinutes(15));
        budget.record(0.50, clock.millis()); // an answer that was on the wire when it opened: the day is spent too

        pass(Duration.ofMinutes(15));
        assertThat(circuit.cause()).as("15:00, the day's budget still spent").isEqualTo(CircuitCause.BUDGET);
        assertThat(control).containsExactly("pause");

        pass(Duration.ofHours(9));
        assertThat(circuit.isOpen()).as("midnight").isFalse();
        assertThat(control).containsExactly("pause", "resume");
        assertThat(probes).hasValue(0);
    }

    @Test
    void aProbesCloseDoesNotCloseABudgetCircuit() {
        SpendBudget budget = new SpendBudget(0.50, 0);
        budget.record(0.60, clock.millis());
        circuit.openForBudget(budget, clock);
        circuit.close("a probe call succeeded");
        time.runDue();
        assertThat(circuit.cause()).isEqualTo(CircuitCause.BUDGET);
        assertThat(control).containsExactly("pause");
        assertThat(sentAfterClose).hasValue(0);
    }

    @Test
    void anOutageCircuitIsNotTurnedIntoABudgetOneAndKeepsProbing() {
        circuit.open(CircuitCause.OUTAGE, "the API looks down");
        SpendBudget budget = new SpendBudget(0.50, 0);
        budget.record(0.60, clock.millis());
        circuit.openForBudget(budget, clock);
        assertThat(circuit.cause()).isEqualTo(CircuitCause.OUTAGE);
        assertThat(circuit.reason()).isEqualTo("the API looks down");
        assertThat(stats.circuitOpens()).isEqualTo(1);
        pass(PROBE_INTERVAL);
        assertThat(probes).hasValue(1);
        circuit.close("a probe call succeeded");
        time.runDue();
        assertThat(circuit.isOpen()).isFalse();
        assertThat(control).containsExactly("pause", "resume");
    }

    @Test
    void aProbeLeftFromAnEarlierOutageDoesNotRunWhileABudgetHoldsTheCircuit() {
        circuit.open(CircuitCause.OUTAGE, "the API looks down");
        circuit.close("nothing was waiting to be sent"); // its probe stays scheduled
        SpendBudget budget = new SpendBudget(0.50, 0);
        budget.record(0.60, clock.millis());
        circuit.openForBudget(budget, clock);
        pass(PROBE_INTERVAL.multipliedBy(3));
        assertThat(probes).hasValue(0);
        assertThat(circuit.cause()).isEqualTo(CircuitCause.BUDGET);
    }

    @Test
    void openWithAReasonIsAnOperatorErrorAndABudgetOpensOnlyThroughItsOwnPath() {
        circuit.open("the API refused the service itself (403)");
        assertThat(circuit.cause()).isEqualTo(CircuitCause.OPERATOR);
        assertThatThrownBy(() -> circuit.open(CircuitCause.BUDGET, "spent"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("openForBudget");
    }
}
