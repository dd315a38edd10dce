package dev.caravan.catalog;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * USD per million tokens of each kind. In a complete entry of the catalog every text rate is set; audio rates and
 * the per-request fee are set only where the provider charges them. In {@code config/models.yaml} any field may be
 * left out: it is then taken from the entry it overrides.
 *
 * @param input              uncached prompt tokens
 * @param output             completion tokens that are not reasoning
 * @param cacheRead          prompt tokens served from the provider's prompt cache
 * @param cacheWrite         prompt tokens written to the provider's prompt cache
 * @param reasoning          reasoning (thinking) tokens, a part of the completion
 * @param inputAudio         audio prompt tokens, when priced apart
 * @param outputAudio        audio completion tokens, when priced apart
 * @param perThousandRequests a flat fee per 1,000 requests, when the provider has one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Rates(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite,
        BigDecimal reasoning, BigDecimal inputAudio, BigDecimal outputAudio, BigDecimal perThousandRequests) {

    /** This set with every missing field taken from {@code base} (a null base leaves the fields as they are). */
    public Rates over(Rates base) {
        if (base == null) {
            return this;
        }
        return new Rates(or(input, base.input), or(output, base.output), or(cacheRead, base.cacheRead),
                or(cacheWrite, base.cacheWrite), or(reasoning, base.reasoning), or(inputAudio, base.inputAudio),
                or(outputAudio, base.outputAudio), or(perThousandRequests, base.perThousandRequests));
    }

    /**
     * The set with the text rates filled in the way providers bill when they publish no separate rate: cached and
     * cache-write tokens at the input rate (no discount assumed), reasoning at the output rate.
     */
    public Rates completed() {
        BigDecimal in = input == null ? BigDecimal.ZERO : input;
        BigDecimal out = output == null ? BigDecimal.ZERO : output;
        return new Rates(in, out, or(cacheRead, in), or(cacheWrite, in), or(reasoning, out), inputAudio, outputAudio,
                perThousandRequests);
    }

    /** True when the set says nothing about text tokens (the entry then has no usable price). */
    boolean isEmpty() {
        return input == null && output == null;
    }

    private static BigDecimal or(BigDecimal a, BigDecimal b) {
        return a != null ? a : b;
    }
}
