package dev.enricher.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValuesTest {

    @Test
    void apiKeyIsMaskedEverywhereItCouldLeak() {
        ApiKey key = ApiKey.of("  zgpu-api-0123456789abcdef\n");
        assertThat(key.reveal()).isEqualTo("zgpu-api-0123456789abcdef");
        assertThat(key.toString()).isEqualTo("zgpu-***");
        ClientConfig config = ClientConfig.builder().apiKey(key).build();
        assertThat(config.toString()).doesNotContain("0123456789abcdef").contains("apiKey=zgpu-***");
        assertThat(key.scrub("echo zgpu-api-0123456789abcdef")).isEqualTo("echo zgpu-***");
        assertThat(ApiKey.of("sk-abc").toString()).isEqualTo("sk-***");
        assertThat(ApiKey.of("plainsecret").toString()).isEqualTo("***");
    }

    @Test
    void apiKeyFromFileAndBadKeys(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("key");
        Files.writeString(file, "zgpu-api-fromfile\n");
        assertThat(ApiKey.fromFile(file).reveal()).isEqualTo("zgpu-api-fromfile");
        assertThatThrownBy(() -> ApiKey.fromFile(dir.resolve("missing")))
                .hasMessageContaining("cannot read API key file").hasMessageContaining("missing");
        assertThatThrownBy(() -> ApiKey.of(" ")).hasMessageContaining("ZEROGPU_API_KEY");
        assertThatThrownBy(() -> ApiKey.of("zgpu-api-abc def")).hasMessageContaining("whitespace")
                .hasMessageNotContaining("abc def");
    }

    @Test
    void configValidationNamesTheValueAndTheFix() {
        assertThatThrownBy(() -> ClientConfig.builder().baseUrl("ftp://x").build())
                .hasMessageContaining("'ftp://x' must be an absolute http(s) URL");
        assertThatThrownBy(() -> ClientConfig.builder().projectId("not-a-uuid").build())
                .hasMessageContaining("project id 'not-a-uuid' is not a UUID");
        assertThatThrownBy(() -> ClientConfig.builder().maxInFlight(0).build())
                .hasMessageContaining("max in-flight must be >= 1, was 0");
        assertThatThrownBy(() -> ClientConfig.builder().requestTimeout(Duration.ZERO).build())
                .hasMessageContaining("request timeout must be > 0");
        assertThat(ClientConfig.builder().baseUrl("http://127.0.0.1:8080/v1/").build().completionsUrl())
                .isEqualTo("http://127.0.0.1:8080/v1/chat/completions");
        ClientConfig defaults = ClientConfig.builder().build();
        assertThat(defaults.baseUrl().toString()).isEqualTo("https://api.zerogpu.ai/v1");
        assertThat(defaults.authHeader()).isEqualTo("x-api-key");
        assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void requestRefusesStreamAndEmptyMessages() {
        assertThatThrownBy(() -> ChatRequest.builder("m").build()).hasMessageContaining("at least one message");
        assertThatThrownBy(() -> ChatRequest.builder("m").user("x").field("stream", true).build())
                .hasMessageContaining("'stream' is reserved");
        assertThatThrownBy(() -> ChatRequest.builder(" ").user("x").build()).hasMessageContaining("blank");
    }

    @Test
    void parserReadsBothUsageNamingsAndIgnoresUnknownFields() {
        CompletionParser parser = new CompletionParser(new ObjectMapper().getFactory());
        ChatCompletion c = parser.parse(ScriptedServer.Answer.COMPLETION.getBytes(StandardCharsets.UTF_8), "req_1", 1,
                Duration.ofMillis(5));
        assertThat(c.id()).isEqualTo("chatcmpl_1");
        assertThat(c.created()).isEqualTo(1764000000L);
        assertThat(c.content()).isEqualTo("hello");
        assertThat(c.usage()).isEqualTo(new Usage(5, 2, 7));
        assertThat(c.requestId()).isEqualTo("req_1");
        ChatCompletion alt = parser.parse(("{\"id\":\"id-1\",\"model\":\"m\",\"choices\":[{\"message\":{\"content\":\"x\"}}],"
                + "\"usage\":{\"input_tokens\":11,\"output_tokens\":4}}").getBytes(StandardCharsets.UTF_8), null, 2,
                Duration.ZERO);
        assertThat(alt.usage()).isEqualTo(new Usage(11, 4, 15));
        assertThat(alt.attempts()).isEqualTo(2);
        assertThatThrownBy(() -> parser.parse("{\"choices\":[]}".getBytes(StandardCharsets.UTF_8), null, 1, Duration.ZERO))
                .isInstanceOf(CompletionParser.MalformedCompletion.class).hasMessageContaining("choices");
        assertThatThrownBy(() -> parser.parse("{\"choi".getBytes(StandardCharsets.UTF_8), null, 1, Duration.ZERO))
                .isInstanceOf(CompletionParser.MalformedCompletion.class).hasMessageContaining("not valid JSON");
    }
}
