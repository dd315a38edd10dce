package dev.caravan.guardrail;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in detectors: a regular expression and, where the shape alone says too little, a check of the
 * matched text (Luhn for card numbers, ISO 7064 mod 97 for IBANs, digit count for phone numbers).
 */
public final class PiiPatterns {

    /** A named detector: matches of {@code pattern} accepted by {@code check}, masked as {@code [label]}. */
    public record Detector(String label, Pattern pattern, Predicate<String> check) {

        public List<Finding> find(String text) {
            List<Finding> out = new ArrayList<>();
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                if (check.test(m.group())) {
                    out.add(new Finding(m.start(), m.end(), label));
                }
            }
            return out;
        }
    }

    /** By name as used in the {@code patterns} property, in priority order (api keys before phones, ...). */
    public static final Map<String, Detector> BUILT_IN = new LinkedHashMap<>();

    static {
        BUILT_IN.put("api-key", new Detector("API_KEY", Pattern.compile(
                "(?<![A-Za-z0-9_-])(?:sk-(?:ant-|proj-|cvn-)?[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36,}"
                        + "|xox[abprs]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35})"), s -> true));
        BUILT_IN.put("email", new Detector("EMAIL", Pattern.compile(
                "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}(?![A-Za-z0-9-])"),
                s -> true));
        BUILT_IN.put("iban", new Detector("IBAN", Pattern.compile(
                "(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])"), PiiPatterns::ibanValid));
        BUILT_IN.put("credit-card", new Detector("CREDIT_CARD", Pattern.compile(
                "(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"), PiiPatterns::luhnValid));
        BUILT_IN.put("us-ssn", new Detector("SSN", Pattern.compile(
                "(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])"), s -> true));
        BUILT_IN.put("phone", new Detector("PHONE", Pattern.compile(
                "(?<![\\w+])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{2,4}(?:[ .-]?\\d{2,4}){2,4}(?!\\w)"),
                s -> digits(s).length() >= 9 && digits(s).length() <= 15));
    }

    private PiiPatterns() {
    }

    static String digits(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Luhn checksum over the digits of {@code s} (separators ignored); 13 to 19 digits. */
    public static boolean luhnValid(String s) {
        String d = digits(s);
        if (d.length() < 13 || d.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean dbl = false;
        for (int i = d.length() - 1; i >= 0; i--) {
            int n = d.charAt(i) - '0';
            if (dbl) {
                n *= 2;
                if (n > 9) {
                    n -= 9;
                }
            }
            sum += n;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    /** ISO 13616 check: country letters and check digits moved to the end, letters as numbers, mod 97 == 1. */
    public static boolean ibanValid(String s) {
        String iban = s.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String moved = iban.substring(4) + iban.substring(0, 4);
        StringBuilder num = new StringBuilder(moved.length() * 2);
        for (int i = 0; i < moved.length(); i++) {
            char c = moved.charAt(i);
            if (Character.isDigit(c)) {
                num.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                num.append(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return new BigInteger(num.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }
}
