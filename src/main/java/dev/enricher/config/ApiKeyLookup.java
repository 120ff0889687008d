package dev.enricher.config;

import dev.enricher.client.ApiKey;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Finds the API key, first found wins: {@code api.api-key}, then the file at {@code api.api-key-file}, then
 * {@code ZEROGPU_API_KEY} in the environment. A message names where to put the key, never its value.
 */
final class ApiKeyLookup {
    private ApiKeyLookup() {
    }

    /** The key, or null after adding a problem (none set, or the file cannot be used). */
    static ApiKey find(ConfigValues values, Map<String, String> env, List<ConfigException.Problem> problems) {
        String inline = values.get(ConfigKeys.API_KEY);
        if (inline != null) {
            return ApiKey.of(inline);
        }
        Path file = values.get(ConfigKeys.API_KEY_FILE);
        if (file != null) {
            try {
                return ApiKey.fromFile(file);
            } catch (RuntimeException e) {
                problems.add(new ConfigException.Problem(ConfigKeys.API_KEY_FILE.name(),
                        "cannot be used: " + e.getMessage()));
                return null;
            }
        }
        String fromEnv = env.get(ApiKey.ENV_VAR);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return ApiKey.of(fromEnv.trim());
        }
        problems.add(new ConfigException.Problem(ConfigKeys.API_KEY.name(), "is not set: export " + ApiKey.ENV_VAR
                + ", or set api.api-key: ${" + ApiKey.ENV_VAR + "} or api.api-key-file"));
        return null;
    }
}
