package dev.caravan.catalog;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Cost arithmetic on catalog rates. Pure functions: the same entry, tokens and instant always give the same
 * {@link Cost}, which is what makes the cost sent to a client and the cost in the ledger identical.
 */
public final class Pricing {

    private Pricing() {
    }

    /**
     * The cost of a call: uncached prompt tokens at the input rate, cached ones at the cache-read rate, cache
     * writes at the cache-write rate, reasoning tokens at the reasoning rate, the rest of the completion at the
     * output rate, audio tokens at the audio rates where the model has them, plus any per-request fee. The tier is
     * chosen by the prompt's size and applies to all tokens of the call.
     */
    public static Cost cost(ModelInfo model, TokenCounts t, Instant at) {
        Rates r = model.ratesAt(at, t.prompt());
        long audioIn = r.inputAudio() != null ? t.audioIn() : 0;
        long audioOut = r.outputAudio() != null ? t.audioOut() : 0;
        long uncached = Math.max(0, t.prompt() - t.cached() - t.cacheWrite() - audioIn);
        long text = Math.max(0, t.completion() - t.reasoning() - audioOut);
        BigDecimal audio = BigDecimal.ZERO;
        if (audioIn > 0) {
            audio = audio.add(perMillion(audioIn, r.inputAudio()));
        }
        if (audioOut > 0) {
            audio = audio.add(perMillion(audioOut, r.outputAudio()));
        }
        BigDecimal fee = r.perThousandRequests() == null ? BigDecimal.ZERO
                : r.perThousandRequests().movePointLeft(3);
        return Cost.of(perMillion(uncached, r.input()), perMillion(t.cached(), r.cacheRead()),
                perMillion(t.cacheWrite(), r.cacheWrite()), perMillion(text, r.output()),
                perMillion(t.reasoning(), r.reasoning()), audio, fee);
    }

    /**
     * The most a call can cost with a prompt of about {@code promptTokens} and at most {@code maxOutputTokens} of
     * completion: every prompt token at the dearer of the input and cache-write rates, every completion token at
     * the dearer of the output and reasoning rates (audio rates included where the model has them). Used to reserve budget before a call.
     */
    public static Cost worstCase(ModelInfo model, long promptTokens, long maxOutputTokens, Instant at) {
        Rates r = model.ratesAt(at, promptTokens);
        BigDecimal in = max(r.input().max(r.cacheWrite()), r.inputAudio());
        BigDecimal out = max(r.output().max(r.reasoning()), r.outputAudio());
        BigDecimal fee = r.perThousandRequests() == null ? BigDecimal.ZERO
                : r.perThousandRequests().movePointLeft(3);
        return Cost.of(perMillion(promptTokens, in), BigDecimal.ZERO, BigDecimal.ZERO,
                perMillion(maxOutputTokens, out), BigDecimal.ZERO, BigDecimal.ZERO, fee);
    }

    private static BigDecimal max(BigDecimal a, BigDecimal b) {
        return b == null ? a : a.max(b);
    }

    private static BigDecimal perMillion(long tokens, BigDecimal ratePerMillion) {
        if (tokens == 0 || ratePerMillion == null || ratePerMillion.signum() == 0) {
            return BigDecimal.ZERO;
        }
        // exact: a decimal shift, not a division
        return ratePerMillion.multiply(BigDecimal.valueOf(tokens)).movePointLeft(6);
    }
}
