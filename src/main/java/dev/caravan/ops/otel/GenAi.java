package dev.caravan.ops.otel;

import java.util.List;
import java.util.Map;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The OpenTelemetry GenAI semantic-convention names Caravan writes, and the few it adds under {@code caravan.*}.
 * Provider names follow the convention's well-known values where one exists ({@code aws.bedrock},
 * {@code gcp.vertex_ai}, ...), else Caravan's provider name.
 */
final class GenAi {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey(
            "gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<Long> CACHE_CREATION_TOKENS = AttributeKey.longKey(
            "gen_ai.usage.cache_creation.input_tokens");
    static final AttributeKey<Long> MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("caravan.request_id");
    static final AttributeKey<String> ENDPOINT = AttributeKey.stringKey("caravan.endpoint");
    static final AttributeKey<String> KEY_ID = AttributeKey.stringKey("caravan.key_id");
    static final AttributeKey<String> TENANT = AttributeKey.stringKey("caravan.tenant");
    static final AttributeKey<String> DEPLOYMENT = AttributeKey.stringKey("caravan.deployment");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("caravan.attempts");
    static final AttributeKey<String> ATTEMPT_OUTCOME = AttributeKey.stringKey("caravan.attempt.outcome");
    static final AttributeKey<Double> COST = AttributeKey.doubleKey("caravan.cost_usd");
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("caravan.stream");
    static final AttributeKey<String> RESULT = AttributeKey.stringKey("caravan.result");
    static final AttributeKey<Double> TTFT = AttributeKey.doubleKey("caravan.ttft_s");

    /** Operation names by Caravan endpoint; other endpoints (models, count_tokens, stored responses) have none. */
    private static final Map<String, String> OPERATIONS = Map.of("chat", "chat", "messages", "chat", "responses",
            "chat", "embeddings", "embeddings");

    private static final Map<String, String> PROVIDERS = Map.ofEntries(Map.entry("bedrock", "aws.bedrock"),
            Map.entry("vertex", "gcp.vertex_ai"), Map.entry("gemini", "gcp.gemini"),
            Map.entry("azure", "azure.ai.openai"), Map.entry("mistral", "mistral_ai"), Map.entry("xai", "x_ai"));

    private GenAi() {
    }

    /** {@code gen_ai.operation.name} of an endpoint, or null when it is no GenAI operation. */
    static String operation(String endpoint) {
        return endpoint == null ? null : OPERATIONS.get(endpoint);
    }

    /** {@code gen_ai.provider.name} of a Caravan provider. */
    static String provider(String caravanProvider) {
        return caravanProvider == null ? null : PROVIDERS.getOrDefault(caravanProvider, caravanProvider);
    }

    /** The convention's span name: {@code "{operation} {model}"}, or the operation alone. */
    static String spanName(String operation, String model, String fallback) {
        if (operation == null) {
            return fallback;
        }
        return model == null || model.isEmpty() ? operation : operation + " " + model;
    }
}
