package dev.caravan.guardrail;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in detectors and the masking functions, without Camel. */
class PiiPatternsTest {

    static String maskWith(String patterns, String text) {
        PatternGuardrail g = new PatternGuardrail();
        g.setPatterns(patterns);
        return g.mask(text);
    }

    @Test
    void luhnAcceptsValidCardNumbersAndRejectsOthers() {
        assertThat(PiiPatterns.luhnValid("4111 1111 1111 1111")).isTrue();
        assertThat(PiiPatterns.luhnValid("5500-0000-0000-0004")).isTrue();
        assertThat(PiiPatterns.luhnValid("378282246310005")).isTrue(); // Amex, 15 digits
        assertThat(PiiPatterns.luhnValid("4111 1111 1111 1112")).isFalse();
        assertThat(PiiPatterns.luhnValid("1234")).isFalse();
    }

    @Test
    void cardsAreMaskedOnlyWhenTheChecksumHolds() {
        assertThat(maskWith("credit-card", "pay with 4111 1111 1111 1111 today"))
                .isEqualTo("pay with [CREDIT_CARD] today");
        assertThat(maskWith("credit-card", "order 4111 1111 1111 1112 shipped"))
                .isEqualTo("order 4111 1111 1111 1112 shipped");
    }

    @Test
    void ibanIsCheckedByMod97() {
        assertThat(PiiPatterns.ibanValid("GB82 WEST 1234 5698 7654 32")).isTrue();
        assertThat(PiiPatterns.ibanValid("DE89370400440532013000")).isTrue();
        assertThat(PiiPatterns.ibanValid("DE89370400440532013001")).isFalse();
        assertThat(maskWith("iban", "to DE89 3704 0044 0532 0130 00 please")).isEqualTo("to [IBAN] please");
        assertThat(maskWith("iban", "to DE89 3704 0044 0532 0130 01 please"))
                .isEqualTo("to DE89 3704 0044 0532 0130 01 please");
    }

    @Test
    void emailsPhonesSsnsAndKeys() {
        assertThat(maskWith("email", "write to john.doe+x@mail.example.co.uk.")).isEqualTo("write to [EMAIL].");
        assertThat(maskWith("phone", "call +1 (415) 555-0132 now")).isEqualTo("call [PHONE] now");
        assertThat(maskWith("phone", "call 020 7946 0958")).isEqualTo("call [PHONE]");
        assertThat(maskWith("phone", "in 2024 we sold 12 units")).isEqualTo("in 2024 we sold 12 units");
        assertThat(maskWith("us-ssn", "ssn 123-45-6789, not 000-12-3456")).isEqualTo("ssn [SSN], not 000-12-3456");
        assertThat(maskWith("api-key", "key sk-proj-abcdefghijklmnopqrstuvwx and AKIAABCDEFGHIJKLMNOP"))
                .isEqualTo("key [API_KEY] and [API_KEY]");
    }

    @Test
    void allPatternsTogetherResolveOverlapsByPriority() {
        PatternGuardrail g = new PatternGuardrail();
        String text = "card 4111111111111111, mail a@b.io, phone 415-555-0132";
        assertThat(g.mask(text)).isEqualTo("card [CREDIT_CARD], mail [EMAIL], phone [PHONE]");
    }

    @Test
    void customPatternsComeFirst() {
        PatternGuardrail g = new PatternGuardrail();
        g.setPatterns("email");
        g.setCustomPatterns("""
                # internal ticket ids
                TICKET=ACME-\\d{6}
                """);
        assertThat(g.mask("see ACME-123456 or ops@acme.com")).isEqualTo("see [TICKET] or [EMAIL]");
    }

    @Test
    void maskingStopsAtALimit() {
        List<Finding> f = List.of(new Finding(2, 4, "A"), new Finding(6, 9, "B"));
        assertThat(Masking.mask("0123456789", f, 7)).isEqualTo("01[A]456");
        assertThat(Masking.resolve(List.of(new Finding(0, 5, "X"), new Finding(3, 8, "Y"), new Finding(8, 9, "Z"))))
                .containsExactly(new Finding(0, 5, "X"), new Finding(8, 9, "Z"));
    }

    @Test
    void denyListMatchesWholeWordsCaseInsensitively() {
        DenyListGuardrail d = new DenyListGuardrail();
        d.setWords("project falcon, secret");
        assertThat(d.find("the PROJECT   Falcon plan")).hasSize(1);
        assertThat(d.find("Secret!")).hasSize(1);
        assertThat(d.find("secretary and secrets")).isEmpty();
        d.setAction("mask");
        assertThat(d.mask("a secret about project falcon")).isEqualTo("a [REDACTED] about [REDACTED]");
    }
}
