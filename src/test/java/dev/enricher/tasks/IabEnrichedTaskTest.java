package dev.enricher.tasks;

import dev.enricher.client.ChatMessage;
import dev.enricher.client.ModelCatalog;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IabEnrichedTaskTest {
    private static final String FULL = "{\"audience\":[{\"id\":\"409\",\"parent_id\":\"400\",\"name\":\"Hikers\","
            + "\"tier1_name\":\"Interest\",\"tier2_name\":\"Outdoor\",\"tier3_name\":\"Hiking\",\"score\":0.9},"
            + "{\"id\":12,\"parent_id\":null,\"name\":\"Travelers\",\"tier1_name\":\"Interest\",\"tier2_name\":\"Travel\","
            + "\"score\":0.7}],"
            + "\"content\":{\"iab_1_0\":[{\"code\":\"IAB20\",\"name\":\"Travel\",\"tier\":1,\"parent_code\":null,"
            + "\"score\":0.88},{\"code\":\"IAB20-18\",\"name\":\"Hiking\",\"tier\":2,\"parent_code\":\"IAB20\",\"score\":0.8}]},"
            + "\"topics\":[{\"name\":\"hiking\",\"score\":0.95}],\"keywords\":[\"trail\",\"Colorado\"],"
            + "\"user_intent\":{\"name\":\"research\",\"category\":\"informational\",\"score\":0.77}}";

    private final IabEnrichedTask task = new IabEnrichedTask();

    @Test
    void defaultsToTheV2ModelAndTheV1NameIsOneSettingAway() {
        assertThat(task.name()).isEqualTo("iab_enriched");
        assertThat(task.model()).isEqualTo("zlm-v2-iab-classify-edge-enriched");
        assertThat(new IabEnrichedTask(null, ModelCatalog.IAB_ENRICHED_V1).request("t").model())
                .isEqualTo("zlm-v1-iab-classify-edge-enriched");
    }

    @Test
    void requestIsTheRawText() {
        assertThat(task.request("text").messages()).containsExactly(ChatMessage.user("text"));
        assertThat(task.request("text").metadata()).isEmpty();
    }

    @Test
    void parsesEveryDocumentedField() {
        IabEnrichedResult r = task.parse(Completions.of(FULL));
        assertThat(r.audience()).containsExactly(
                new IabEnrichedResult.Audience("409", "400", "Hikers", "Interest", "Outdoor", "Hiking", 0.9),
                new IabEnrichedResult.Audience("12", null, "Travelers", "Interest", "Travel", null, 0.7));
        assertThat(r.iab10()).containsExactly(
                new IabEnrichedResult.Category("IAB20", "Travel", 1, null, 0.88),
                new IabEnrichedResult.Category("IAB20-18", "Hiking", 2, "IAB20", 0.8));
        assertThat(r.topics()).containsExactly(new ScoredLabel("hiking", 0.95));
        assertThat(r.keywords()).containsExactly("trail", "Colorado");
        assertThat(r.userIntent()).isEqualTo(new IabEnrichedResult.UserIntent("research", "informational", 0.77));
    }

    @Test
    void optionalPartsMayBeMissing() {
        IabEnrichedResult r = task.parse(Completions.of("{\"audience\":[{\"name\":\"Hikers\",\"score\":0.9}],"
                + "\"content\":{\"iab_1_0\":[{\"code\":\"IAB20\",\"name\":\"Travel\",\"score\":0.88}]}}"));
        assertThat(r.audience()).containsExactly(
                new IabEnrichedResult.Audience(null, null, "Hikers", null, null, null, 0.9));
        assertThat(r.iab10()).containsExactly(new IabEnrichedResult.Category("IAB20", "Travel", null, null, 0.88));
        assertThat(r.topics()).isEmpty();
        assertThat(r.keywords()).isEmpty();
        assertThat(r.userIntent()).isNull();
    }

    @Test
    void coreShapeIsStrict() {
        assertThat(Completions.unparseable(task, "{\"content\":{\"iab_1_0\":[]}}"))
                .isEqualTo("expected field 'audience' at $, found none");
        assertThat(Completions.unparseable(task, "{\"audience\":[],\"content\":{\"iab_2_2\":[]}}"))
                .isEqualTo("expected field 'iab_1_0' at $.content, found none");
        assertThat(Completions.unparseable(task,
                "{\"audience\":[],\"content\":{\"iab_1_0\":[{\"name\":\"Travel\",\"score\":0.8}]}}"))
                .isEqualTo("expected field 'code' at $.content.iab_1_0[0], found none");
        assertThat(Completions.unparseable(task,
                "{\"audience\":[],\"content\":{\"iab_1_0\":[{\"code\":\"IAB1\",\"name\":\"Arts\",\"tier\":\"one\",\"score\":0.8}]}}"))
                .isEqualTo("expected an integer at $.content.iab_1_0[0].tier, found a string");
    }

    @Test
    void presentOptionalFieldsMustHaveTheirType() {
        assertThat(Completions.unparseable(task,
                "{\"audience\":[],\"content\":{\"iab_1_0\":[]},\"keywords\":[\"a\",3]}"))
                .isEqualTo("expected a string at $.keywords[1], found an integer");
        assertThat(Completions.unparseable(task,
                "{\"audience\":[],\"content\":{\"iab_1_0\":[]},\"user_intent\":[\"buy\"]}"))
                .isEqualTo("expected an object at $.user_intent, found an array");
        assertThat(Completions.unparseable(task,
                "{\"audience\":[{\"id\":true,\"name\":\"Hikers\",\"score\":0.9}],\"content\":{\"iab_1_0\":[]}}"))
                .isEqualTo("expected a string or an integer at $.audience[0].id, found a boolean");
    }

    @Test
    void resultIsImmutable() {
        IabEnrichedResult r = task.parse(Completions.of(FULL));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.keywords().add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(List.copyOf(r.audience())).hasSize(2);
    }
}
