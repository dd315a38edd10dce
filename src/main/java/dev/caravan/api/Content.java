package dev.caravan.api;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;

/**
 * A message's {@code content}: OpenAI allows either a plain string or an array of typed parts. Exactly one of
 * {@code text} and {@code parts} is set; the JSON form is the same as the one that was read.
 */
@JsonSerialize(using = Content.Writer.class)
@JsonDeserialize(using = Content.Reader.class)
public record Content(String text, List<ContentPart> parts) {

    public static Content of(String text) {
        return new Content(text, null);
    }

    public static Content of(List<ContentPart> parts) {
        return new Content(null, parts);
    }

    public boolean isText() {
        return parts == null;
    }

    /** All text of this content, parts joined without separator (text parts only). */
    public String joinedText() {
        if (parts == null) {
            return text == null ? "" : text;
        }
        StringBuilder sb = new StringBuilder();
        for (ContentPart p : parts) {
            if (p.text() != null) {
                sb.append(p.text());
            }
        }
        return sb.toString();
    }

    public boolean isEmpty() {
        return parts == null ? text == null || text.isEmpty() : parts.isEmpty();
    }

    static final class Writer extends JsonSerializer<Content> {
        @Override
        public void serialize(Content value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            if (value.parts != null) {
                serializers.defaultSerializeValue(value.parts, gen);
            } else if (value.text != null) {
                gen.writeString(value.text);
            } else {
                gen.writeNull();
            }
        }
    }

    static final class Reader extends JsonDeserializer<Content> {
        private static final TypeReference<List<ContentPart>> PARTS = new TypeReference<>() {
        };

        @Override
        public Content deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_STRING) {
                return Content.of(p.getText());
            }
            if (t == JsonToken.START_ARRAY) {
                List<ContentPart> parts = ctxt.readValue(p, ctxt.getTypeFactory().constructType(PARTS));
                return Content.of(parts);
            }
            return (Content) ctxt.handleUnexpectedToken(Content.class, p);
        }

        @Override
        public Content getNullValue(DeserializationContext ctxt) {
            return null;
        }
    }
}
