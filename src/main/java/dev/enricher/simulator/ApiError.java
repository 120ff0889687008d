package dev.enricher.simulator;

/**
 * An error answer in the API's nested shape {@code {"error":{"message","type","code","param"}}}.
 * Factories use the type/code values real OpenAI-style servers send.
 */
record ApiError(int status, String message, String type, String code, String param) {
    static final String INVALID_REQUEST = "invalid_request_error";

    static ApiError invalid(String message, String code, String param) {
        return new ApiError(400, message, INVALID_REQUEST, code, param);
    }

    static ApiError missingKey() {
        return new ApiError(401, "Missing authentication headers", "authentication_error", "missing_api_key", null);
    }

    static ApiError invalidCredentials() {
        return new ApiError(403, "Invalid credentials", "authentication_error", "invalid_api_key", null);
    }

    static ApiError unknownModel(String model, int status) {
        return new ApiError(status, "The model `" + model + "` does not exist or you do not have access to it.",
                INVALID_REQUEST, "model_not_found", status == 400 ? "model" : null);
    }

    static ApiError contextLength(int status, String model, int limit, int tokens) {
        return new ApiError(status, "This model's maximum context length is " + limit + " tokens. However, your messages"
                + " resulted in " + tokens + " tokens (model " + model + "). Please reduce the length of the messages.",
                INVALID_REQUEST, "context_length_exceeded", "messages");
    }

    static ApiError rateLimited() {
        return new ApiError(429, "Rate limit reached for requests. Please try again later.", "rate_limit_exceeded",
                "rate_limit_exceeded", null);
    }

    static ApiError quota(int status) {
        return new ApiError(status, "You exceeded your current quota, please check your plan and billing details.",
                "insufficient_quota", "insufficient_quota", null);
    }

    static ApiError outage() {
        return new ApiError(503, "The service is temporarily unavailable. Please try again later.", "server_error",
                "service_unavailable", null);
    }

    static ApiError overloaded() {
        return new ApiError(503, "The server is overloaded. Please try again later.", "server_error", "overloaded", null);
    }

    static ApiError server(int status) {
        return switch (status) {
            case 502 -> new ApiError(502, "Bad gateway: the model backend returned an invalid response.", "server_error",
                    "bad_gateway", null);
            case 503 -> new ApiError(503, "The model is currently overloaded with other requests.", "server_error",
                    "service_unavailable", null);
            case 504 -> new ApiError(504, "Gateway timeout: the model backend did not answer in time.", "server_error",
                    "gateway_timeout", null);
            default -> new ApiError(500, "The server had an error while processing your request. Sorry about that!",
                    "server_error", "internal_error", null);
        };
    }

    static ApiError bodyTooLarge(long limit) {
        return new ApiError(413, "Request body too large: the limit is " + limit + " bytes.", INVALID_REQUEST,
                "request_too_large", null);
    }

    static ApiError notFound(String path) {
        return new ApiError(404, "Unknown request URL: " + path + ".", INVALID_REQUEST, "unknown_url", null);
    }

    static ApiError methodNotAllowed(String method, String path) {
        return new ApiError(405, "Method " + method + " not allowed for " + path + ".", INVALID_REQUEST,
                "method_not_allowed", null);
    }
}
