package dev.enricher.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/Dockerfile} and {@code .dockerignore}: the choices the Kubernetes manifests and the compose file rely
 * on (no Docker engine here, so the image itself is not built by the tests).
 */
class DockerfileTest {
    private static final String DOCKERFILE = DeployFiles.read(DeployFiles.file("deploy/Dockerfile"))
            .replaceAll("\\\\\\n", " ");   // join continuation lines

    @Test
    void buildsWithMavenAndRunsOnAJre17() {
        List<String> froms = instructions("FROM");
        assertThat(froms).hasSize(2);
        assertThat(froms.get(0)).contains("maven").contains("17").contains(" AS build");
        assertThat(froms.get(1)).contains("jre").contains("17");
        assertThat(DOCKERFILE).contains("mvn -B -ntp -DskipTests package").contains("COPY pom.xml")
                .contains("dependency:go-offline").contains("COPY --from=build");
    }

    @Test
    void runsAsAFixedNonRootUserWithTheStateOnAVolume() {
        assertThat(instructions("USER")).singleElement().satisfies(u -> {
            assertThat(u).matches("USER \\d+(:\\d+)?");
            assertThat(u).doesNotMatch("USER 0(:.*)?");
        });
        assertThat(instructions("VOLUME")).singleElement().asString().contains("/var/lib/stream-enricher");
        assertThat(instructions("EXPOSE")).singleElement().isEqualTo("EXPOSE 8081");
    }

    @Test
    void healthcheckAsksForLivenessWithoutCurl() {
        assertThat(instructions("HEALTHCHECK")).singleElement().asString()
                .contains("/health/live").contains("8081").doesNotContain("curl").doesNotContain("wget");
    }

    @Test
    void entrypointSizesTheHeapFromTheContainerAndTheDefaultCommandRunsTheService() {
        assertThat(instructions("ENTRYPOINT")).singleElement().asString()
                .contains("\"java\"").contains("MaxRAMPercentage").contains("/opt/stream-enricher/stream-enricher.jar");
        assertThat(instructions("CMD")).singleElement().asString()
                .isEqualTo("CMD [\"run\", \"--config\", \"/etc/stream-enricher/enricher.yaml\"]");
    }

    @Test
    void dockerignoreKeepsBuildOutputAndGitOutButNotTheSources() {
        List<String> ignored = DeployFiles.read(DeployFiles.file(".dockerignore")).lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignored).contains(".git", "target");
        assertThat(ignored).doesNotContain("src", "pom.xml", "schemas", "*", "**");
    }

    /** Instruction lines of the Dockerfile starting with {@code keyword}, comments skipped. */
    private static List<String> instructions(String keyword) {
        Matcher m = Pattern.compile("(?m)^" + keyword + "\\b.*$").matcher(DOCKERFILE);
        return m.results().map(r -> r.group().trim().replaceAll("\\s+", " ")).toList();
    }
}
