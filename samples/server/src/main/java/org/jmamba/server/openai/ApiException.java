package org.jmamba.server.openai;

/**
 * A request the server refuses, with what OpenAI's API answers in the same case: the HTTP
 * status and the {@code error} object's type, code and offending parameter.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;

    public ApiException(int status, String type, String code, String param, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    /** 400: a request field is missing, of the wrong type or out of range. */
    public static ApiException invalid(String param, String message) {
        return new ApiException(400, "invalid_request_error", null, param, message);
    }

    public int status() {
        return status;
    }

    public ErrorBody body() {
        return new ErrorBody(new ErrorBody.Error(getMessage(), type, param, code));
    }

    /** OpenAI's error JSON: {@code {"error": {"message", "type", "param", "code"}}}. */
    public record ErrorBody(Error error) {
        public record Error(String message, String type, String param, String code) {}
    }
}
