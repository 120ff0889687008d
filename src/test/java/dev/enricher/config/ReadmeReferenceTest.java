package dev.enricher.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The configuration reference in README.md is the one generated from the key declarations. */
class ReadmeReferenceTest {
    @Test
    void readmeHoldsTheGeneratedReference() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String start = "<!-- config-reference:start -->\n";
        String end = "<!-- config-reference:end -->";
        int from = readme.indexOf(start);
        int to = readme.indexOf(end);
        assertThat(from).as("README.md has the config-reference markers").isPositive();
        assertThat(readme.substring(from + start.length(), to))
                .as("README.md's configuration reference is stale: replace it with EnricherConfig.reference()")
                .isEqualTo(EnricherConfig.reference());
    }
}
