package dev.caravan.api;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One part of a content array: {@code text}, {@code image_url}, {@code input_audio}, {@code file}, or a
 * {@code refusal}. {@code cache_control} is the Anthropic prompt-caching marker that OpenAI clients may add to
 * a part; it is carried for native providers. Anything else rides in {@link #extra()}.
 */
public record ContentPart(String type, String text, ImageUrl imageUrl, JsonNode inputAudio, JsonNode file,
        String refusal, JsonNode cacheControl,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extra) {

    public ContentPart {
        extra = extra == null ? new LinkedHashMap<>() : extra;
    }

    public static ContentPart text(String text) {
        return new ContentPart("text", text, null, null, null, null, null, null);
    }

    public static ContentPart image(String url, String detail) {
        return new ContentPart("image_url", null, new ImageUrl(url, detail), null, null, null, null, null);
    }

    public record ImageUrl(String url, String detail) {
    }
}
