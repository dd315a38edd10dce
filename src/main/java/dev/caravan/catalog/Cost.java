package dev.caravan.catalog;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The cost of one call in USD, exact to {@link #SCALE} decimal places: each part is rounded once (half-even) and
 * the total is the sum of the rounded parts, so a breakdown always adds up and sums over many calls are exact.
 */
public record Cost(BigDecimal total, BigDecimal input, BigDecimal cacheRead, BigDecimal cacheWrite, BigDecimal output,
        BigDecimal reasoning, BigDecimal audio, BigDecimal requestFee) {

    /** Decimal places kept: 10^-10 USD. */
    public static final int SCALE = 10;

    public static final Cost ZERO = of(BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
            BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

    static Cost of(BigDecimal input, BigDecimal cacheRead, BigDecimal cacheWrite, BigDecimal output,
            BigDecimal reasoning, BigDecimal audio, BigDecimal requestFee) {
        BigDecimal in = round(input);
        BigDecimal cr = round(cacheRead);
        BigDecimal cw = round(cacheWrite);
        BigDecimal out = round(output);
        BigDecimal rs = round(reasoning);
        BigDecimal au = round(audio);
        BigDecimal fee = round(requestFee);
        return new Cost(in.add(cr).add(cw).add(out).add(rs).add(au).add(fee), in, cr, cw, out, rs, au, fee);
    }

    public static BigDecimal round(BigDecimal v) {
        return v.setScale(SCALE, RoundingMode.HALF_EVEN);
    }

    /** The total in units of 10^-10 USD (exact). */
    public long units() {
        return total.unscaledValue().longValueExact();
    }

    /** Plain decimal text without trailing zeros: {@code 0.0000195}, {@code 0}. */
    public static String plain(BigDecimal v) {
        return v.signum() == 0 ? "0" : v.stripTrailingZeros().toPlainString();
    }

    public static BigDecimal fromUnits(long units) {
        return BigDecimal.valueOf(units, SCALE);
    }
}
