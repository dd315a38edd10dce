package dev.caravan.auth;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Locale;

/**
 * A spending limit in USD per calendar period (UTC): a day, an ISO week (from Monday) or a month.
 * Written {@code 50/month}, {@code 2.5/day}, {@code 100/week}.
 */
public record Budget(BigDecimal usd, Period period) {

    public enum Period {
        DAY, WEEK, MONTH;

        /** The first day of the period that contains {@code day}. */
        public LocalDate start(LocalDate day) {
            return switch (this) {
                case DAY -> day;
                case WEEK -> day.with(DayOfWeek.MONDAY);
                case MONTH -> day.withDayOfMonth(1);
            };
        }

        /** The first day of the next period. */
        public LocalDate next(LocalDate day) {
            LocalDate s = start(day);
            return switch (this) {
                case DAY -> s.plusDays(1);
                case WEEK -> s.plusWeeks(1);
                case MONTH -> s.plusMonths(1);
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Period parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("budget period must be day, week or month, not '" + s + "'");
            }
        }
    }

    public Budget {
        if (usd == null || usd.signum() < 0) {
            throw new IllegalArgumentException("budget amount must be zero or more");
        }
        if (period == null) {
            throw new IllegalArgumentException("budget period must be day, week or month");
        }
    }

    /** Parses {@code <usd>/<period>}, e.g. {@code 50/month}. */
    public static Budget parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0) {
            throw new IllegalArgumentException("budget must look like 50/month (USD per day, week or month), not '"
                    + text + "'");
        }
        BigDecimal amount;
        try {
            amount = new BigDecimal(text.substring(0, slash).trim().replace("$", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("budget amount '" + text.substring(0, slash) + "' is not a number");
        }
        return new Budget(amount, Period.parse(text.substring(slash + 1)));
    }

    @Override
    public String toString() {
        return usd.stripTrailingZeros().toPlainString() + "/" + period.label();
    }
}
