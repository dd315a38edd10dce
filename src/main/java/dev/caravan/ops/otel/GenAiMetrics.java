package dev.caravan.ops.otel;

import java.util.List;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;

import dev.caravan.api.Usage;
import dev.caravan.gateway.CallOutcome;
import dev.caravan.gateway.ChatCall;

/**
 * The GenAI client metrics of the semantic conventions, with their units and bucket boundaries:
 * {@code gen_ai.client.operation.duration} (s) and {@code gen_ai.client.token.usage} ({token}), one measurement per
 * API request, attributed to the provider that answered.
 */
final class GenAiMetrics {

    /** gen_ai.client.operation.duration buckets (seconds), from the GenAI metrics convention. */
    static final List<Double> DURATION_BUCKETS = List.of(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
            10.24, 20.48, 40.96, 81.92);
    /** gen_ai.client.token.usage buckets (tokens), from the GenAI metrics convention. */
    static final List<Long> TOKEN_BUCKETS = List.of(1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L,
            1048576L, 4194304L, 16777216L, 67108864L);

    private final DoubleHistogram duration;
    private final LongHistogram tokens;

    GenAiMetrics(Meter meter) {
        duration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setDescription("GenAI operation duration").setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                .build();
        tokens = meter.histogramBuilder("gen_ai.client.token.usage").ofLongs().setUnit("{token}")
                .setDescription("Number of input and output tokens used")
                .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS).build();
    }

    void record(ChatCall call, CallOutcome o, String op, String requestModel, String responseModel, Usage usage,
            String errorType) {
        AttributesBuilder a = Attributes.builder();
        a.put(GenAi.OPERATION, op);
        String provider = GenAi.provider(call.provider());
        if (provider != null) {
            a.put(GenAi.PROVIDER, provider);
        }
        if (requestModel != null) {
            a.put(GenAi.REQUEST_MODEL, requestModel);
        }
        if (responseModel != null) {
            a.put(GenAi.RESPONSE_MODEL, responseModel);
        }
        Attributes base = a.build();
        duration.record((o.endNanos() - call.startNanos()) / 1e9,
                errorType == null ? base : base.toBuilder().put(GenAi.ERROR_TYPE, errorType).build());
        if (usage != null) {
            tokens.record(usage.prompt(), base.toBuilder().put(GenAi.TOKEN_TYPE, "input").build());
            tokens.record(usage.completion(), base.toBuilder().put(GenAi.TOKEN_TYPE, "output").build());
        }
    }
}
