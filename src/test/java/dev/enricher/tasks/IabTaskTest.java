package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.ModelCatalog;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IabTaskTest {
    private final IabTask task = new IabTask();

    @Test
    void defaults() {
        assertThat(task.name()).isEqualTo("iab");
        assertThat(task.model()).isEqualTo(ModelCatalog.IAB);
        assertThat(new IabTask("topics", "zlm-v9").name()).isEqualTo("topics");
        assertThat(new IabTask("topics", "zlm-v9").model()).isEqualTo("zlm-v9");
    }

    @Test
    void requestIsTheRawTextAsTheOnlyUserMessage() {
        ChatRequest r = task.request("Best hiking trails in Colorado");
        assertThat(r.model()).isEqualTo("zlm-v1-iab-classify-edge");
        assertThat(r.messages()).containsExactly(ChatMessage.user("Best hiking trails in Colorado"));
        assertThat(r.metadata()).isEmpty();
        assertThat(r.extraFields()).isEmpty();
    }

    @Test
    void parsesTheDocumentedShape() {
        IabResult r = task.parse(Completions.of("{\"audience\":[{\"name\":\"Outdoor Enthusiasts\",\"score\":0.91}],"
                + "\"content\":{\"iab_1_0\":[{\"name\":\"Travel\",\"score\":0.88},{\"name\":\"Sports\",\"score\":0.4}],"
                + "\"iab_2_2\":[{\"name\":\"Hiking\",\"score\":0.93}]},\"extra\":1}"));
        assertThat(r.audience()).containsExactly(new ScoredLabel("Outdoor Enthusiasts", 0.91));
        assertThat(r.iab10()).containsExactly(new ScoredLabel("Travel", 0.88), new ScoredLabel("Sports", 0.4));
        assertThat(r.iab22()).containsExactly(new ScoredLabel("Hiking", 0.93));
    }

    @Test
    void emptyArraysAreValid() {
        IabResult r = task.parse(Completions.of("{\"audience\":[],\"content\":{\"iab_1_0\":[],\"iab_2_2\":[]}}"));
        assertThat(r.audience()).isEmpty();
        assertThat(r.iab10()).isEmpty();
    }

    @Test
    void unparseableContentNamesWhatAndWhere() {
        assertThat(Completions.unparseable(task, "")).contains("found empty content");
        assertThat(Completions.unparseable(task, "Travel, Sports")).contains("invalid JSON").contains("line 1");
        assertThat(Completions.unparseable(task, "[1,2]")).isEqualTo("expected an object at $, found an array");
        assertThat(Completions.unparseable(task, "{\"audience\":[]}"))
                .isEqualTo("expected field 'content' at $, found none");
        assertThat(Completions.unparseable(task,
                "{\"audience\":[{\"name\":\"Outdoor\",\"score\":\"high\"}],\"content\":{\"iab_1_0\":[],\"iab_2_2\":[]}}"))
                .isEqualTo("expected a number at $.audience[0].score, found a string");
        assertThat(Completions.unparseable(task,
                "{\"audience\":[],\"content\":{\"iab_1_0\":[{\"score\":0.5}],\"iab_2_2\":[]}}"))
                .isEqualTo("expected field 'name' at $.content.iab_1_0[0], found none");
        assertThat(Completions.unparseable(task, "{\"audience\":[],\"content\":{\"iab_1_0\":[],\"iab_2_2\":{}}}"))
                .isEqualTo("expected an array at $.content.iab_2_2, found an object");
        assertThat(Completions.unparseable(task, "{\"audience\":[],\"content\":{}} trailing"))
                .contains("invalid JSON");
        assertThat(Completions.unparseable(task, "{\"audience\":[],\"content\":{}} {}"))
                .contains("found more than one JSON value");
    }
}
