package dev.enricher.client;

/**
 * Token counts of one completion. The API names them {@code prompt_tokens}/{@code completion_tokens};
 * one SDK says {@code input_tokens}/{@code output_tokens}: both are read into these fields.
 * A count the server did not send is 0.
 */
public record Usage(long promptTokens, long completionTokens, long totalTokens) {
    public static final Usage NONE = new Usage(0, 0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || totalTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0: prompt=" + promptTokens
                    + " completion=" + completionTokens + " total=" + totalTokens);
        }
    }
}
