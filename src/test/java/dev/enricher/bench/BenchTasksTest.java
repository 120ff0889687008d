package dev.enricher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.enricher.tasks.EnrichmentTask;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tasks of {@code bench pipeline --tasks}. */
class BenchTasksTest {

    @Test
    void tasksAreNamedByTypeNameOrPrefix() {
        List<EnrichmentTask> tasks = BenchTasks.parse("iab, followup,PII,gliner-ner,labels");
        assertThat(tasks).extracting(EnrichmentTask::name)
                .containsExactly("iab", "followups", "pii", "entities", "labels");
        assertThatThrownBy(() -> BenchTasks.parse("iab,iab")).hasMessageContaining("twice");
        assertThatThrownBy(() -> BenchTasks.parse("i")).hasMessageContaining("more than one");
    }
}
