package dev.enricher.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {
    private static final TaskInput EVENT = new TaskInput("Tom & Jerry <3 the \"show\".", "ev-7",
            Map.of("lang", "en", "channel", "email"));

    @Test
    void rendersTextIdAndAttributesAsTheyAreWithSections() {
        PromptTemplate t = PromptTemplate.compile("sentiment", "template",
                "Event {{id}} ({{attributes.lang}}, via {{attributes.channel}}):\n{{text}}{{#attributes.urgent}} URGENT{{/attributes.urgent}}",
                List.of());
        assertThat(t.render(EVENT)).isEqualTo("Event ev-7 (en, via email):\nTom & Jerry <3 the \"show\".");
        assertThat(t.placeholders()).containsExactlyInAnyOrder("id", "attributes.lang", "attributes.channel", "text",
                "attributes.urgent");
    }

    @Test
    void aPlaceholderTheEventLacksRendersEmptyUnlessRequired() {
        PromptTemplate optional = PromptTemplate.compile("t", "template", "[{{attributes.region}}] {{text}}", List.of());
        assertThat(optional.render(TaskInput.of("hi"))).isEqualTo("[] hi");
        PromptTemplate required = PromptTemplate.compile("t", "template", "[{{attributes.region}}] {{text}}",
                List.of("attributes.region"));
        assertThatThrownBy(() -> required.render(TaskInput.of("hi")))
                .isInstanceOf(PromptTemplate.MissingPlaceholderException.class)
                .hasMessageContaining("task 't'").hasMessageContaining("attributes.region");
        assertThat(required.render(new TaskInput("hi", null, Map.of("region", "eu")))).isEqualTo("[eu] hi");
    }

    @Test
    void whatATemplateMayNotNameIsRefusedAtStartWithThePosition() {
        assertThatThrownBy(() -> PromptTemplate.compile("t", "template", "Hello\n  {{user.name}} says {{text}}",
                List.of())).hasMessageContaining("task 't'").hasMessageContaining("template")
                .hasMessageContaining("{{user.name}}").hasMessageContaining("line 2, column 3");
        assertThatThrownBy(() -> PromptTemplate.compile("t", "system", "{{> header}} {{text}}", List.of()))
                .hasMessageContaining("system").hasMessageContaining("partial").hasMessageContaining("line 1, column 1");
        assertThatThrownBy(() -> PromptTemplate.compile("t", "template", "{{#text}}unclosed", List.of()))
                .hasMessageContaining("task 't'").hasMessageContaining("not a valid Mustache template");
        assertThatThrownBy(() -> PromptTemplate.compile("t", "template", "{{attributes.a.b}}", List.of()))
                .hasMessageContaining("{{attributes.a.b}}");
        assertThatThrownBy(() -> PromptTemplate.compile("t", "template", "{{text}}", List.of("headers.x")))
                .hasMessageContaining("required").hasMessageContaining("headers.x");
        assertThatThrownBy(() -> PromptTemplate.compile("t", "template", " ", List.of()))
                .hasMessageContaining("must not be blank");
    }
}
