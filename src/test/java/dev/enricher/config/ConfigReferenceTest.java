package dev.enricher.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    @Test
    void theReferenceListsEveryKeyWithItsEnvironmentVariable() {
        String ref = EnricherConfig.reference();
        for (ConfigKey<?> k : ConfigKeys.all()) {
            assertThat(ref).contains("`" + k.name() + "`").contains("`" + k.envVar() + "`");
        }
    }
}
