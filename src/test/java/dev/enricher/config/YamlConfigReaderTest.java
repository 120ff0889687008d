package dev.enricher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlConfigReaderTest {
    private final List<ConfigException.Problem> problems = new ArrayList<>();

    @Test
    void nestedSectionsFlattenToDottedKeysAndEmptyValuesAreAbsent() {
        RawConfig raw = YamlConfigReader.read("""
                engine:
                  retry: {max-attempts: 4, initial-backoff: 250ms}
                  ordering:
                kafka:
                  stream-threads: 2
                tasks: [{type: iab}]
                """, "t", problems);
        assertThat(raw.keys()).containsExactly(entry("engine.retry.max-attempts", "4"),
                entry("engine.retry.initial-backoff", "250ms"), entry("kafka.stream-threads", "2"));
        assertThat(raw.tasks().get(0).get("type").asText()).isEqualTo("iab");
        assertThat(raw.streams()).isEmpty();
        assertThat(problems).isEmpty();
    }

    @Test
    void streamsKeepKafkaNamesAndFlattenNestedOnes() {
        RawConfig raw = YamlConfigReader.read("""
                streams:
                  commit.interval.ms: 50
                  ssl: {truststore: {location: /t.p12}}
                  bootstrap.servers: [a, b]
                """, "t", problems);
        assertThat(raw.streams()).containsExactly(entry("commit.interval.ms", "50"),
                entry("ssl.truststore.location", "/t.p12"));
        assertThat(problems).extracting(Object::toString)
                .containsExactly("streams.bootstrap.servers: is a list; Kafka lists are one comma-separated string");
    }

    @Test
    void whatIsNotAMappingOfSectionsStopsTheReading() {
        assertThatThrownBy(() -> YamlConfigReader.read("- a\n- b\n", "t", problems))
                .hasMessageContaining("file: must be a YAML mapping of sections");
        problems.clear();
        YamlConfigReader.read("streams: 5\n", "t", problems);
        assertThat(problems).extracting(Object::toString).singleElement().asString()
                .startsWith("streams: must be a mapping of Kafka properties");
    }
}
