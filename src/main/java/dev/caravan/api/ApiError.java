package dev.caravan.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The OpenAI error envelope {@code {"error":{"message","type","param","code"}}}: all four keys always present. */
public record ApiError(Body error) {

    public static ApiError of(String message, String type, String param, String code) {
        return new ApiError(new Body(message, type, param, code));
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Body(String message, String type, String param, String code) {
    }
}
