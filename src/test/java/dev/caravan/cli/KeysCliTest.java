package dev.caravan.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The CLI of the jar driving the admin API: key lifecycle and spend, as readable tables. */
class KeysCliTest extends MoneyTestSupport {

    record Run(int code, String out, String err) {
    }

    Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CaravanCli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of("CARAVAN_ADMIN_URL",
                "http://127.0.0.1:" + adminPort, "CARAVAN_ADMIN_KEY", ADMIN_KEY));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aKeyLivesAndDiesThroughTheCli() {
        Run created = cli("keys", "create", "--tenant", "acme & co", "--name", "ci", "--budget", "50/month",
                "--rpm", "60", "--models", "openai/*,mistral/*", "--label", "env=prod", "--expires", "30d");
        assertThat(created.code()).as(created.err()).isZero();
        Matcher m = Pattern.compile("(sk-cvn-[A-Za-z0-9_-]{43})").matcher(created.out());
        assertThat(m.find()).isTrue();
        String secret = m.group(1);
        Matcher id = Pattern.compile("id\\s+(key_[0-9a-f]+)").matcher(created.out());
        assertThat(id.find()).isTrue();
        String keyId = id.group(1);
        assertThat(created.out()).contains("not shown again").contains("50/month").contains("openai/*,mistral/*")
                .contains("env=prod");

        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 1000, 1000, 0, 0)));
        assertThat(chatAs(secret, ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(200);

        Run list = cli("keys", "list", "--tenant", "acme & co");
        assertThat(list.code()).isZero();
        String[] lines = list.out().split("\\R");
        assertThat(lines[0]).startsWith("ID").contains("TENANT").contains("BUDGET").contains("SPENT");
        assertThat(list.out()).contains(keyId).contains("acme & co").contains("0.00075"); // 0.15 + 0.60 per 1M x 1000

        Run updated = cli("keys", "update", keyId, "--rpm", "none", "--budget", "5/day", "--trace-content");
        assertThat(updated.code()).as(updated.err()).isZero();
        assertThat(updated.out()).containsPattern("rpm\\s+-").contains("5/day");

        Run got = cli("keys", "get", keyId, "--json");
        assertThat(json(got.out()).at("/budget/period").asText()).isEqualTo("day");
        assertThat(json(got.out()).get("trace_content").asBoolean()).isTrue();
        assertThat(got.out()).doesNotContain(secret);

        assertThat(cli("keys", "revoke", keyId).out()).containsPattern("status\\s+revoked");
        assertThat(chatAs(secret, ask("openai/gpt-4o-mini")).statusCode()).isEqualTo(401);
        assertThat(cli("keys", "list", "--tenant", "acme & co").out()).doesNotContain(keyId);
        assertThat(cli("keys", "list", "--tenant", "acme & co", "--all").out()).contains(keyId);
    }

    @Test
    void spendIsATableOrCsv() {
        String secret = json(admin("POST", "/admin/keys", "{\"tenant\":\"cli-spend\"}").body()).get("key").asText();
        stub.always((req, reply) -> reply.json(200, completion("gpt-4o-mini", 1000, 1000, 0, 0)));
        for (int i = 0; i < 3; i++) {
            chatAs(secret, ask("openai/gpt-4o-mini"));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> cli("spend", "--by", "tenant,model", "--since", "1d")
                .out().contains("0.00225"));
        Run table = cli("spend", "--by", "tenant,model", "--since", "1d", "--tenant", "cli-spend");
        assertThat(table.out()).contains("TENANT").contains("MODEL").contains("COST USD")
                .containsPattern("cli-spend\\s+openai/gpt-4o-mini\\s+3\\s+0.00225").containsPattern("TOTAL.*0.00225");
        Run csv = cli("spend", "--by", "tenant", "--since", "2000-01-01", "--tenant", "cli-spend", "--csv");
        assertThat(csv.out()).startsWith("tenant,requests,cost_usd,unknown_cost_requests,saved_usd,prompt_tokens,"
                + "completion_tokens,cache_hits,errors\r\ncli-spend,3,0.00225,0,0,3000,3000,0,0\r\n");
    }

    @Test
    void errorsAreMessagesWithExitCodes() {
        Run noSuch = cli("keys", "get", "key_nope");
        assertThat(noSuch.code()).isEqualTo(1);
        assertThat(noSuch.err()).contains("No key with id 'key_nope'").contains("HTTP 404");
        Run badBudget = cli("keys", "create", "--tenant", "x", "--budget", "lots");
        assertThat(badBudget.code()).isEqualTo(1);
        assertThat(badBudget.err()).contains("50/month");
        assertThat(cli("keys", "frobnicate").code()).isEqualTo(2);
        StringWriter err = new StringWriter();
        int code = CaravanCli.run(new String[] {"keys", "list"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err), Map.of("CARAVAN_ADMIN_URL", "http://127.0.0.1:" + adminPort));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("CARAVAN_ADMIN_KEY");
        assertThat(CaravanCli.handles(new String[] {"keys"})).isTrue();
        assertThat(CaravanCli.handles(new String[] {"--some-camel-option"})).isFalse();
    }
}
