package dev.caravan.ops.otel;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.caravan.gateway.CallOutcome;

import static org.assertj.core.api.Assertions.assertThat;

/** Small pure pieces: OTLP paths, header lists, provider names, error types. */
class OtelSettingsTest {

    @Test
    void httpEndpointsGetTheSignalPathOnce() {
        assertThat(OtelConfiguration.path("http://c:4318", "/v1/traces")).isEqualTo("http://c:4318/v1/traces");
        assertThat(OtelConfiguration.path("http://c:4318/", "/v1/metrics")).isEqualTo("http://c:4318/v1/metrics");
        assertThat(OtelConfiguration.path("http://c:4318/v1/traces", "/v1/traces"))
                .isEqualTo("http://c:4318/v1/traces");
    }

    @Test
    void headersAreReadInTheOtlpForm() {
        assertThat(OtelSettings.headers("authorization=Bearer abc, x-tenant = t1,broken"))
                .isEqualTo(Map.of("authorization", "Bearer abc", "x-tenant", "t1"));
        assertThat(OtelSettings.headers("")).isEmpty();
    }

    @Test
    void providerNamesFollowTheConventionsWellKnownValues() {
        assertThat(GenAi.provider("bedrock")).isEqualTo("aws.bedrock");
        assertThat(GenAi.provider("vertex")).isEqualTo("gcp.vertex_ai");
        assertThat(GenAi.provider("gemini")).isEqualTo("gcp.gemini");
        assertThat(GenAi.provider("azure")).isEqualTo("azure.ai.openai");
        assertThat(GenAi.provider("openai")).isEqualTo("openai");
        assertThat(GenAi.provider("groq")).isEqualTo("groq");
        assertThat(GenAi.operation("embeddings")).isEqualTo("embeddings");
        assertThat(GenAi.operation("messages")).isEqualTo("chat");
        assertThat(GenAi.operation("models")).isNull();
        assertThat(GenAi.operation("count_tokens")).isNull();
    }

    @Test
    void errorTypeIsTheCodeSentElseTheStatus() {
        assertThat(SpanAttributes.errorType(new CallOutcome(200, null, false, "ok", null, 0, 0, 0))).isNull();
        assertThat(SpanAttributes.errorType(new CallOutcome(429, null, false, "error", "rate_limited", 0, 0, 0)))
                .isEqualTo("rate_limited");
        assertThat(SpanAttributes.errorType(new CallOutcome(502, null, false, "error", null, 0, 0, 0)))
                .isEqualTo("502");
        assertThat(SpanAttributes.errorType(new CallOutcome(200, null, true, "error", null, 0, 0, 0)))
                .isEqualTo("stream_error");
    }
}
