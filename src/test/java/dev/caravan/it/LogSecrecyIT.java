package dev.caravan.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.ResponseRecorder;
import dev.caravan.testing.SecretScan;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs after the whole test suite (its own failsafe execution, last in the verify phase) and reads every log the
 * run wrote: the output files of all unit and integration test classes. No provider key and no gateway key used
 * by the tests may appear in them, nor anything shaped like a key or a bearer token.
 *
 * <p>It also reads every reply the run's in-process gateways sent (headers and bodies, API and admin plane), as
 * recorded by {@link ResponseRecorder} under {@code target/test-responses}: no key the tests configure may appear
 * in any, and the secret of every virtual key the tests created (found in those replies) appears exactly once, in
 * the reply of the {@code POST /admin/keys} that created it, and in no log. Gateways started from the packaged jar
 * in their own process (PackagedJarIT, ScaleOutIT, EntrypointIT, CrashDurabilityIT) do not load the recorder:
 * their logs are scanned here, their replies only by the tests themselves.
 */
class LogSecrecyIT {

    /** Keys the tests send or configure; a test that adds a key adds it here. */
    static final List<String> TEST_SECRETS = List.of(GatewayTestSupport.KEY, GatewayTestSupport.PROVIDER_KEY,
            EntrypointIT.FILE_KEY, EntrypointIT.GATEWAY_KEY,
            "cvn-admin-test-key-0123456789abcdef", // HawtioConsoleTest.ADMIN_KEY
            "sk-cvn-test-otherkey-5555666677778888", // BodyLoggingRouteTest.OTHER_KEY
            "sk-upstream-host-providerkey-24680", // CaravanKameletTest.PROVIDER_KEY
            "sk-proj-accesslogtestsecret-000111222", // AccessLogTest.SECRET
            "sk-cvn-test-contentkey-0123456789ab", // OtelTracesRouteTest.CONTENT_KEY
            "sk-proj-othertenantsecret-4455667788", // OtelTracesRouteTest.SECRET
            "an-opaque-registered-secret-4711", // ScrubbingConvertersTest.SECRET
            GatewayTestSupport.ADMIN_KEY,
            "adm-test-key-0123456789", // FailoverRouteTest.ADMIN_KEY
            "sk-cvn-jar-test-key-00112233445566", // PackagedJarIT.KEY
            "sk-upstream-jar-test-abcdefgh", // PackagedJarIT's provider key
            "sk-acme-test-key-123456", // HotReloadTest's provider key
            "scale-out-admin-key-4b1d", // ScaleOutIT.ADMIN (its replicas log to target/test-logs)
            "sk-upstream-scale-test-abcdefgh", // ScaleOutIT.PROVIDER_KEY
            CrashDurabilityIT.KEY, CrashDurabilityIT.PROVIDER_KEY);

    static final Pattern KEY_SHAPED = Pattern.compile("\\bsk-[A-Za-z0-9_\\-]{12,}|(?i:bearer)\\s+[A-Za-z0-9_\\-.=]{12,}");

    static List<Path> logs() throws IOException {
        List<Path> out = new ArrayList<>();
        for (String dir : List.of("target/surefire-reports", "target/failsafe-reports", "target/test-logs")) {
            Path d = Path.of(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(d)) {
                s.filter(Files::isRegularFile)
                        .filter(p -> p.toString().endsWith("-output.txt") || p.toString().endsWith(".log"))
                        .filter(p -> !p.getFileName().toString().startsWith(LogSecrecyIT.class.getName()))
                        .forEach(out::add);
            }
        }
        return out;
    }

    /** The files of replies recorded during the run ({@link ResponseRecorder}). */
    static List<Path> replyFiles() throws IOException {
        Path d = ResponseRecorder.directory();
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Virtual key secret → the replies that showed it (one file in memory at a time). */
    static Map<String, List<String>> virtualKeyShowings() throws IOException {
        Map<String, List<String>> showings = new LinkedHashMap<>();
        for (Path p : replyFiles()) {
            String file = p.getFileName().toString();
            Map<String, String> replies = new LinkedHashMap<>();
            SecretScan.replies(Files.readString(p, StandardCharsets.ISO_8859_1))
                    .forEach((name, text) -> replies.put(file + " " + name, text));
            SecretScan.showings(replies, showings);
        }
        return showings;
    }

    @Test
    void noKeyAppearsInAnyReplyAndEachVirtualKeyOnlyWhereItWasCreated() throws IOException {
        List<String> leaks = new ArrayList<>();
        long replies = 0;
        long bytes = 0;
        boolean sawChat = false;
        boolean sawCreation = false;
        for (Path p : replyFiles()) {
            Map<String, String> r = SecretScan.replies(Files.readString(p, StandardCharsets.ISO_8859_1));
            replies += r.size();
            bytes += r.values().stream().mapToLong(String::length).sum();
            sawChat |= r.keySet().stream().anyMatch(n -> n.endsWith(" POST /v1/chat/completions"));
            sawCreation |= r.keySet().stream().anyMatch(n -> n.endsWith(" " + SecretScan.CREATE_KEY));
            SecretScan.replyLeaks(r, TEST_SECRETS).forEach(l -> leaks.add(p.getFileName() + " " + l));
        }
        Map<String, List<String>> showings = virtualKeyShowings();
        leaks.addAll(SecretScan.virtualKeyLeaks(showings));
        System.out.printf("scanned %d replies (%d bytes), %d virtual keys%n", replies, bytes, showings.size());
        // the recorder must have seen the suite's traffic, or the scan proves nothing
        assertThat(replies).as("recorded replies").isGreaterThan(1_000);
        assertThat(sawChat).as("chat replies recorded").isTrue();
        assertThat(sawCreation).as("key creations recorded").isTrue();
        assertThat(showings).as("virtual keys created by the tests").hasSizeGreaterThan(10);
        assertThat(leaks).as("secrets in " + replies + " replies").isEmpty();
    }

    @Test
    void noKeyUsedByTheTestsAppearsInAnyLog() throws IOException {
        List<Path> logs = logs();
        List<String> virtualKeys = List.copyOf(virtualKeyShowings().keySet());
        long bytes = 0;
        boolean sawAccessLines = false;
        List<String> leaks = new ArrayList<>();
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            bytes += text.length();
            sawAccessLines |= text.contains("\"request_id\":\"req_");
            for (String secret : TEST_SECRETS) {
                if (text.contains(secret)) {
                    leaks.add(log.getFileName() + ": " + secret.substring(0, 8) + "…");
                }
            }
            leaks.addAll(SecretScan.logLeaks(log.getFileName().toString(), text, virtualKeys));
            Matcher m = KEY_SHAPED.matcher(text);
            while (m.find()) {
                leaks.add(log.getFileName() + ": key-shaped '" + m.group().substring(0, Math.min(10, m.group().length()))
                        + "…'");
            }
        }
        // the scan must have had the suite's logs to read, or it proves nothing
        assertThat(logs).as("test output files").hasSizeGreaterThanOrEqualTo(5);
        assertThat(bytes).as("characters of logs read").isGreaterThan(20_000);
        assertThat(sawAccessLines).as("access log lines in the scanned logs").isTrue();
        assertThat(leaks).as("secrets in " + logs.size() + " log files").isEmpty();
    }

    @Test
    void theScanFindsAPlantedKey() throws IOException {
        Path planted = Files.createTempFile("planted", "-output.txt");
        Files.writeString(planted, "12:00 INFO upstream said: invalid key " + GatewayTestSupport.PROVIDER_KEY);
        String text = Files.readString(planted);
        assertThat(TEST_SECRETS.stream().anyMatch(text::contains)).isTrue();
        assertThat(KEY_SHAPED.matcher("Authorization: Bearer abcdefghijklmnopqrstu").find()).isTrue();
        assertThat(KEY_SHAPED.matcher("task-executor-0123456789abcdef").find()).isFalse();
    }
}
