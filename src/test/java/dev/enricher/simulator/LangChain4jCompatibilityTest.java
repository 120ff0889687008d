package dev.enricher.simulator;

import dev.enricher.client.ModelCatalog;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An independent OpenAI client (langchain4j) reads the simulator's answers without complaint. */
class LangChain4jCompatibilityTest {

    @Test
    void openAiClientWithBearerAuth() {
        try (Simulator s = Simulator.start(SimulatorConfig.builder().bearerAuth().fixedLatency(Duration.ZERO).instances(1).build())) {
            OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(s.baseUrl()).apiKey("zgpu-test")
                    .modelName(ModelCatalog.LLAMA).maxRetries(0).timeout(Duration.ofSeconds(10)).build();
            ChatResponse r = model.chat(dev.langchain4j.data.message.UserMessage.from(
                    "Kafka Streams is a client library. It builds stream processing apps."));
            assertThat(r.aiMessage().text()).startsWith("Kafka Streams is a client library.");
            assertThat(r.tokenUsage().inputTokenCount()).isPositive();
            assertThat(r.metadata().modelName()).isEqualTo(ModelCatalog.LLAMA);
        }
    }

    @Test
    void openAiClientWithTheZeroGpuHeader() {
        try (Simulator s = Simulator.start(SimulatorConfig.builder().fixedLatency(Duration.ZERO).instances(1).build())) {
            OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(s.baseUrl()).apiKey("unused")
                    .customHeaders(Map.of("x-api-key", "zgpu-test")).modelName(ModelCatalog.FOLLOWUP).maxRetries(0)
                    .timeout(Duration.ofSeconds(10)).build();
            String answer = model.chat("Electric cars and charging stations");
            assertThat(SimHttp.json(answer).isArray()).isTrue();
            assertThat(s.recentRequests()).last().satisfies(r -> assertThat(r.header("X-Api-Key")).isEqualTo("zgpu-test"));
        }
    }
}
