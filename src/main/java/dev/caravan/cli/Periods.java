package dev.caravan.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * A period on the command line, in UTC: a month {@code 2026-11}, a day {@code 2026-11-05}, an inclusive range of
 * either {@code 2026-11-01..2026-11-30} (or instants {@code 2026-11-01T00:00:00Z..2026-11-02T12:00:00Z}), or back
 * from now {@code 7d}, {@code 24h}, {@code 30m}. The end is exclusive: the day after the last day, the month after.
 */
final class Periods {

    record Period(Instant from, Instant until) {
    }

    private Periods() {
    }

    static Period parse(String s, Instant now) {
        String v = s == null ? "" : s.trim();
        try {
            if (v.matches("\\d+[dhm]")) {
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                Duration back = switch (v.charAt(v.length() - 1)) {
                    case 'd' -> Duration.ofDays(n);
                    case 'h' -> Duration.ofHours(n);
                    default -> Duration.ofMinutes(n);
                };
                return new Period(now.minus(back), now.plusMillis(1));
            }
            int dots = v.indexOf("..");
            if (dots > 0) {
                Period a = one(v.substring(0, dots));
                Period b = one(v.substring(dots + 2));
                if (!b.until().isAfter(a.from())) {
                    throw new IllegalArgumentException("period " + v + " ends before it starts");
                }
                return new Period(a.from(), b.until());
            }
            return one(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("period must be a month (2026-11), a day (2026-11-05), a range "
                    + "(2026-11-01..2026-11-30) or back from now (7d, 24h, 30m); got '" + v + "'");
        }
    }

    private static Period one(String s) {
        String v = s.trim();
        if (v.matches("\\d{4}-\\d{2}")) {
            YearMonth m = YearMonth.parse(v);
            return new Period(m.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                    m.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        if (v.length() == 10) {
            LocalDate d = LocalDate.parse(v);
            return new Period(d.atStartOfDay(ZoneOffset.UTC).toInstant(),
                    d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        Instant i = Instant.parse(v);
        return new Period(i, i.plusMillis(1));
    }
}
