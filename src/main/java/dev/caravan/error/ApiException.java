package dev.caravan.error;

import java.util.Map;

/**
 * An error the client is meant to see: status and OpenAI error fields. Thrown anywhere on the request path;
 * {@link ErrorMapper} turns it into the response. Carries no stack trace (it is control flow, not a bug).
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String param;
    private final Map<String, String> headers;

    public ApiException(int status, String type, String code, String param, String message) {
        this(status, type, code, param, message, Map.of());
    }

    public ApiException(int status, String type, String code, String param, String message,
            Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
        this.headers = headers;
    }

    public static ApiException badRequest(String message, String param, String code) {
        return new ApiException(400, ErrorMapper.INVALID_REQUEST, code, param, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String param() {
        return param;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
