package dev.enricher.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryTimersTest {
    private final RetryTimers timers = new RetryTimers();
    private final List<String> fired = new ArrayList<>();

    private void record(long seq, int task, long due) {
        fired.add(seq + "/" + task + "@" + due);
    }

    @Test
    void firesWhatIsDueEarliestFirstAndKeepsTheRest() {
        timers.schedule(300, 3, 0);
        timers.schedule(100, 1, 1);
        timers.schedule(200, 2, RetryTimers.DECODE);
        timers.fireDue(99, this::record);
        assertThat(fired).isEmpty();
        timers.fireDue(200, this::record);
        assertThat(fired).containsExactly("1/1@100", "2/-1@200");
        timers.fireDue(1_000, this::record);
        assertThat(fired).containsExactly("1/1@100", "2/-1@200", "3/0@300");
        timers.fireDue(2_000, this::record);
        assertThat(fired).as("each timer fires once").hasSize(3);
    }

    @Test
    void aTimerScheduledByAFiringOneFiresInTheSamePassWhenAlreadyDue() {
        timers.schedule(100, 1, 0);
        timers.fireDue(500, (seq, task, due) -> {
            record(seq, task, due);
            if (seq == 1) {
                timers.schedule(400, 2, 0);
                timers.schedule(600, 3, 0);
            }
        });
        assertThat(fired).containsExactly("1/0@100", "2/0@400");
    }

    @Test
    void clearDropsEverything() {
        timers.schedule(100, 1, 0);
        timers.clear();
        timers.fireDue(1_000, this::record);
        assertThat(fired).isEmpty();
    }
}
