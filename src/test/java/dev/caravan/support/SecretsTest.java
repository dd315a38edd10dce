package dev.caravan.support;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scrubbing: registered values and key-shaped strings are masked; the literal pre-check that spares most lines the
 * regex never lets a key shape through.
 */
class SecretsTest {

    /** The shapes {@link Secrets} masks, written out again: a change there has to change this too. */
    private static final Pattern SHAPES = Pattern.compile(
            "(sk-[A-Za-z0-9_\\-*.]{8,}|sk_[A-Za-z0-9_\\-]{8,}|AIza[0-9A-Za-z_\\-]{20,}|gsk_[A-Za-z0-9]{8,}"
                    + "|xai-[A-Za-z0-9]{8,}|(?i:bearer)\\s+[A-Za-z0-9_\\-.=]{12,})");

    // key-shaped test values are put together at run time, so that no literal in the source looks like a real key
    static final String OPENAI = key("sk-", "proj-AbCdEf0123456789");
    static final String STRIPE_LIKE = key("sk_", "live_0123456789abcdef");
    static final String GOOGLE = key("AIza", "SyA-0123456789abcdefghijklmnop");
    static final String GROQ = key("gsk_", "0123456789abcdefABCDEF");
    static final String XAI = key("xai-", "0123456789abcdef");
    static final String JWT_START = key("eyJ", "hbGciOiJIUzI1NiJ9.abc");

    static String key(String prefix, String rest) {
        return prefix + rest;
    }

    static final List<String> TEXTS = List.of(
            "{\"ts\":\"2026-12-06T23:29:35.439Z\",\"request_id\":\"req_f0eb\",\"key_id\":\"default\",\"status\":200}",
            "upstream said: invalid key " + OPENAI + " for this project",
            STRIPE_LIKE + " at the start",
            "at the end: " + GOOGLE,
            "groq: " + GROQ,
            XAI + " and more",
            "Authorization: Bearer " + JWT_START,
            "authorization: BEARER\tabcdefghijklmnopqrstu",
            "bEaReR    0123456789abcdef",
            "a bearer token is expected", // the word alone: nothing to mask
            "sk-short", "sk_", "AIzaShort", "xai-", "bearer", "beare", "",
            "desk-top and task_list and ask-me: no keys here",
            "the sk-proj key " + key("sk-", "proj-0123456789ab") + " and a Bearer 0123456789abcdef in one line");

    @Test
    void keyShapesAreMaskedWhereverTheyStand() {
        assertThat(Secrets.scrub("invalid key " + OPENAI + " for this project"))
                .isEqualTo("invalid key [redacted] for this project");
        assertThat(Secrets.scrub("Authorization: Bearer " + JWT_START))
                .isEqualTo("Authorization: [redacted]");
        assertThat(Secrets.scrub("bEaReR    0123456789abcdef")).isEqualTo("[redacted]");
        assertThat(Secrets.scrub("groq: " + GROQ)).isEqualTo("groq: [redacted]");
    }

    @Test
    void theCheckBeforeTheRegexNeverLetsAShapeThrough() {
        for (String text : TEXTS) {
            boolean shape = SHAPES.matcher(text).find();
            if (shape) {
                assertThat(Secrets.mayHoldKeyShape(text)).as(text).isTrue();
            }
            assertThat(Secrets.scrub(text)).as(text).isEqualTo(SHAPES.matcher(text).replaceAll(Secrets.MASK));
        }
        assertThat(Secrets.mayHoldKeyShape(TEXTS.get(0))).isFalse();
        assertThat(Secrets.mayHoldKeyShape("desk-top and task_list and ask-me: no keys here")).isTrue();
    }

    @Test
    void registeredValuesAreMaskedEvenWithoutAShape() {
        Secrets.register("plain-db-password-42");
        assertThat(Secrets.scrub("jdbc:postgresql://db?password=plain-db-password-42"))
                .isEqualTo("jdbc:postgresql://db?password=[redacted]");
        assertThat(Secrets.mayHoldKeyShape("jdbc:postgresql://db?password=plain-db-password-42")).isFalse();
    }
}
