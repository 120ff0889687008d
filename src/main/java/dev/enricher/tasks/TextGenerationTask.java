package dev.enricher.tasks;

import dev.enricher.client.ChatCompletion;
import dev.enricher.client.ChatRequest;
import dev.enricher.client.Choice;
import dev.enricher.client.ModelCatalog;

import java.util.List;

/**
 * Text generation with {@code llama-3.1-8b-instruct-fast} (default; it summarises a plain user message) or
 * {@code LFM2.5-1.2B-Instruct}: an optional system message, then the text as the user message.
 * {@code max_tokens} and {@code temperature} are sent as top-level fields when set. The content is plain text;
 * blank content is refused. Immutable and thread-safe.
 *
 * @param name         the task's name, default {@code summary}
 * @param model        the model id, default {@code llama-3.1-8b-instruct-fast}
 * @param systemPrompt the system message, null for none
 * @param maxTokens    output token limit (> 0), null for the server's default
 * @param temperature  sampling temperature (0..2), null for the server's default
 */
public record TextGenerationTask(String name, String model, String systemPrompt, Integer maxTokens,
                                 Double temperature) implements EnrichmentTask {

    /** Null name and model take the defaults of {@link TaskType#TEXT_GENERATION}. */
    public TextGenerationTask {
        name = TaskType.TEXT_GENERATION.nameOrDefault(name);
        model = TaskType.TEXT_GENERATION.modelOrDefault(model);
        if (systemPrompt != null && systemPrompt.isBlank()) {
            throw new IllegalArgumentException("system prompt must not be blank (leave it unset for none)");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be > 0, was " + maxTokens);
        }
        if (temperature != null && !(temperature >= 0.0 && temperature <= 2.0)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
        }
    }

    /** A summary task: the default model, no system prompt. */
    public TextGenerationTask() {
        this(null, null, null, null, null);
    }

    @Override
    public ChatRequest request(String text) {
        ChatRequest.Builder b = ChatRequest.builder(model);
        if (systemPrompt != null) {
            b.system(systemPrompt);
        }
        b.user(text);
        if (maxTokens != null) {
            b.field("max_tokens", maxTokens);
        }
        if (temperature != null) {
            b.field("temperature", temperature);
        }
        return b.build();
    }

    @Override
    public TextResult parse(ChatCompletion completion) {
        return ContentParser.text(completion, content -> {
            Choice choice = completion.choices().get(0);
            if (content.isBlank()) {
                throw new ContentShapeException("expected text, found empty content"
                        + ContentParser.finishNote(choice));
            }
            return new TextResult(content.strip(), choice.finishReason(), choice.truncated());
        });
    }

    /**
     * The {@link TaskType#TEXT_GENERATION} type; results fill the enriched record's {@code text_generation} field.
     * Options: {@code system_prompt} (string), {@code max_tokens} (whole number > 0), {@code temperature} (0..2).
     */
    static final class Definition extends TypeDefinition<TextGenerationTask, TextResult> {
        Definition() {
            super(TextGenerationTask.class, "summary", ModelCatalog.LLAMA,
                    List.of("system_prompt", "max_tokens", "temperature"),
                    TextResult.class, dev.enricher.avro.TextResult.getClassSchema());
        }

        @Override
        TextGenerationTask create(String name, String model, TaskOptions o) {
            return new TextGenerationTask(name, model,
                    o.string("system_prompt"),
                    o.positiveInt("max_tokens"),
                    o.number("temperature", 0, 2, null));
        }

        @Override
        dev.enricher.avro.TextResult toAvro(TextResult r) {
            return new dev.enricher.avro.TextResult(r.text(), r.finishReason(), r.truncated());
        }
    }
}
