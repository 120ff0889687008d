package dev.enricher.simulator;

/** Thrown while reading a request or generating an answer; carries the error the client gets. */
final class ApiException extends RuntimeException {
    private final ApiError error;

    ApiException(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    ApiError error() {
        return error;
    }

    static ApiException invalid(String message, String code, String param) {
        return new ApiException(ApiError.invalid(message, code, param));
    }
}
