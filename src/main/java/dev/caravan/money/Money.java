package dev.caravan.money;

import java.math.BigDecimal;

import dev.caravan.catalog.Cost;

/** Exact money: USD as {@code long} units of 10^-10 (the scale of {@link Cost}). */
public final class Money {

    private Money() {
    }

    public static long units(BigDecimal usd) {
        return Cost.round(usd).unscaledValue().longValueExact();
    }

    public static BigDecimal usd(long units) {
        return Cost.fromUnits(units);
    }

    public static String plain(long units) {
        return Cost.plain(usd(units));
    }
}
