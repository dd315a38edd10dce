package dev.caravan.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.caravan.api.Json;
import dev.caravan.db.Database;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caravan replay} on a fixture ledger (an H2 file migrated by the gateway's own Flyway scripts): known calls
 * re-priced under a candidate routing file and catalog, with exact decimal totals worked out by hand below.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayCommandTest {

    @TempDir
    static Path dir;
    Path routes;
    Path catalog;
    String url;

    static final String ROUTES = """
            - templatedRoute:
                routeTemplateRef: deployment
                routeId: deployment.a
                parameters:
                  - { name: id, value: a }
                  - { name: provider, value: openai }
                  - { name: model, value: m-a }
                  - { name: weight, value: "3" }
                  - { name: quality, value: "5" }
            - templatedRoute:
                routeTemplateRef: deployment
                routeId: deployment.b
                parameters:
                  - { name: id, value: b }
                  - { name: provider, value: groq }
                  - { name: model, value: m-b }
                  - { name: quality, value: "8" }
            - templatedRoute:
                routeTemplateRef: deployment
                routeId: deployment.c
                parameters:
                  - { name: id, value: c }
                  - { name: provider, value: deepseek }
                  - { name: model, value: m-c }
                  - { name: quality, value: "9" }
            - templatedRoute:
                routeTemplateRef: shadow
                routeId: shadowed.s
                parameters:
                  - { name: id, value: s }
                  - { name: target, value: direct:deployment.a }
                  - { name: candidate, value: direct:deployment.b }
            - route:
                id: chain.split
                from:
                  uri: direct:chain.split
                  steps:
                    - loadBalance:
                        customLoadBalancer: weightedChain
                        steps:
                          - to: direct:deployment.a
                          - to: direct:deployment.b
            - route:
                id: chain.economy
                from:
                  uri: direct:chain.economy
                  steps:
                    - setHeader:
                        name: CaravanQualityFloor
                        constant: 6
                    - loadBalance:
                        customLoadBalancer: lowestCostChain
                        steps:
                          - to: direct:deployment.a
                          - to: direct:deployment.b
                          - to: direct:deployment.c
            - route:
                id: chain.safe
                from:
                  uri: direct:chain.safe
                  steps:
                    - loadBalance:
                        failoverLoadBalancer:
                          exception: [ dev.caravan.error.ProviderUnavailable ]
                        steps:
                          - to: direct:deployment.c
                          - to: direct:deployment.a
            - route:
                id: route.chat
                from:
                  uri: direct:route.chat
                  steps:
                    - choice:
                        when:
                          - simple: "${header.CaravanModelAsked} == 'caravan/split'"
                            steps:
                              - to: direct:chain.split
                          - simple: "${body.model} == 'caravan/economy'"
                            steps:
                              - to: direct:chain.economy
                          - simple: "${header.CaravanModelAsked} == 'caravan/safe' && ${header.CaravanPromptTokens} > 1000"
                            steps:
                              - to: direct:chain.safe
                          - simple: "${body.model} == 'caravan/safe'"
                            steps:
                              - to: direct:shadowed.s
                          - simple: "${header.CaravanModelAsked} == 'caravan/tenant' && ${header.CaravanTenant} == 'beta'"
                            steps:
                              - to: direct:deployment.b
                        otherwise:
                          steps:
                            - process:
                                ref: modelRouter
                            - toD: "direct:provider.${header.CaravanProvider}.chat?block=false"
            """;

    static final String CATALOG = """
            models:
              - { provider: openai, model: m-a, prices: {input: 1, output: 2}, source: test, as_of: 2026-01-01 }
              - { provider: groq, model: m-b, prices: {input: 0.5, output: 1}, source: test, as_of: 2026-01-01 }
              - { provider: deepseek, model: m-c, prices: {input: 2, output: 4}, source: test, as_of: 2026-01-01 }
            """;

    @BeforeAll
    void fixture() throws Exception {
        routes = Files.writeString(dir.resolve("candidate.camel.yaml"), ROUTES);
        catalog = Files.writeString(dir.resolve("prices.yaml"), CATALOG);
        url = "jdbc:h2:file:" + dir.resolve("data").resolve("caravan");
        try (Database db = new Database(url, "", "", 2); Connection c = db.connection()) {
            // tenant, model asked, prompt, completion, recorded cost, cache hit, day
            row(c, 1, "acme", "caravan/split", 1000, 500, "0.01", false, "2026-11-03");
            row(c, 2, "acme", "caravan/economy", 2000, 1000, "0.02", false, "2026-11-04");
            row(c, 3, "acme", "caravan/safe", 2000, 100, "0.005", false, "2026-11-05");
            row(c, 4, "acme", "caravan/safe", 500, 100, "0.003", false, "2026-11-06");
            row(c, 5, "beta", "caravan/tenant", 100, 100, "0.001", false, "2026-11-07");
            row(c, 6, "acme", "caravan/tenant", 100, 100, "0.002", false, "2026-11-08");
            row(c, 7, "acme", "gpt-4o", 100, 100, "0.004", false, "2026-11-09");
            row(c, 8, "acme", "openai/m-a", 100, 100, "0", true, "2026-11-10");
            row(c, 9, "acme", "openai/m-a", 1000, 1000, "0.003", false, "2026-11-30");
            row(c, 10, "acme", "caravan/split", 1000, 500, "0.01", false, "2026-10-31");
            row(c, 11, "acme", "caravan/split", 1000, 500, "0.01", false, "2026-12-01");
        }
    }

    static void row(Connection c, int n, String tenant, String model, long prompt, long completion, String cost,
            boolean cacheHit, String day) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO caravan_ledger (request_id, ts_ms, usage_day, "
                + "key_id, tenant, model_requested, prompt_tokens, completion_tokens, cached_tokens, "
                + "cache_write_tokens, reasoning_tokens, cost_usd, usage_estimated, cache_hit, status, outcome, "
                + "stream, latency_ms, endpoint) VALUES (?,?,?,?,?,?,?,?,0,0,0,?,false,?,200,'ok',false,100,'chat')")) {
            LocalDate d = LocalDate.parse(day);
            ps.setString(1, "req-" + n);
            ps.setLong(2, d.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli());
            ps.setObject(3, d);
            ps.setString(4, "key-" + tenant);
            ps.setString(5, tenant);
            ps.setString(6, model);
            ps.setLong(7, prompt);
            ps.setLong(8, completion);
            ps.setBigDecimal(9, new BigDecimal(cost));
            ps.setBoolean(10, cacheHit);
            ps.executeUpdate();
        }
    }

    record Run(int code, String out, String err) {
    }

    Run replay(String... extra) {
        String[] args = new String[extra.length + 5];
        args[0] = "replay";
        args[1] = "--routes";
        args[2] = routes.toString();
        args[3] = "--catalog";
        args[4] = catalog.toString();
        System.arraycopy(extra, 0, args, 5, extra.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CaravanCli.run(args, new PrintWriter(out), new PrintWriter(err), Map.of());
        return new Run(code, out.toString(), err.toString());
    }

    static BigDecimal dec(JsonNode n) {
        return n.decimalValue();
    }

    @Test
    void totalsPerTenantAndModelUnderTheCandidateFile() throws Exception {
        Run r = replay("--ledger", "2026-11", "--data-dir", dir.resolve("data").toString(), "--format", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(r.out());
        JsonNode total = j.path("total");
        // November only: rows 1-9
        assertThat(total.path("calls").asLong()).isEqualTo(9);
        assertThat(dec(total.path("did_usd"))).isEqualByComparingTo("0.048");
        // split: (3 x 0.002 + 1 x 0.001) / 4 = 0.00175; economy: b (a is below quality 6, c dearer) = 0.002;
        // safe, long prompt: c = 0.0044; safe, short prompt: shadow step's target a = 0.0007; tenant beta: b =
        // 0.00015; openai/m-a: cache hit 0, then 0.003
        assertThat(dec(total.path("would_usd"))).isEqualByComparingTo("0.012");
        // over the 7 calls with both costs known: 0.012 - 0.042
        assertThat(dec(total.path("delta_usd"))).isEqualByComparingTo("-0.030");
        assertThat(total.path("unroutable").asLong()).isEqualTo(1);
        assertThat(total.path("unpriced").asLong()).isEqualTo(1);

        JsonNode safe = line(j, "acme", "caravan/safe");
        assertThat(safe.path("calls").asLong()).isEqualTo(2);
        assertThat(dec(safe.path("did_usd"))).isEqualByComparingTo("0.008");
        assertThat(dec(safe.path("would_usd"))).isEqualByComparingTo("0.0051");
        assertThat(dec(safe.path("delta_usd"))).isEqualByComparingTo("-0.0029");
        assertThat(safe.path("would_go_to").toString()).contains("\"c\"", "\"a\"");

        JsonNode split = line(j, "acme", "caravan/split");
        assertThat(dec(split.path("would_usd"))).isEqualByComparingTo("0.00175");
        assertThat(split.path("would_go_to").get(0).asText()).isEqualTo("weighted(a 3, b 1)");
        assertThat(dec(line(j, "acme", "caravan/economy").path("would_usd"))).isEqualByComparingTo("0.002");
        assertThat(dec(line(j, "beta", "caravan/tenant").path("would_usd"))).isEqualByComparingTo("0.00015");
        // tenant acme falls through to the provider route: provider 'caravan' has no price
        JsonNode acmeTenant = line(j, "acme", "caravan/tenant");
        assertThat(acmeTenant.path("unpriced").asLong()).isEqualTo(1);
        assertThat(dec(acmeTenant.path("would_usd"))).isEqualByComparingTo("0");
        JsonNode bare = line(j, "acme", "gpt-4o");
        assertThat(bare.path("unroutable").asLong()).isEqualTo(1);
        assertThat(bare.path("would_go_to").get(0).asText()).startsWith("unroutable:");
        JsonNode direct = line(j, "acme", "openai/m-a");
        assertThat(direct.path("calls").asLong()).isEqualTo(2);
        assertThat(dec(direct.path("would_usd"))).isEqualByComparingTo("0.003");
        assertThat(dec(direct.path("delta_usd"))).isEqualByComparingTo("0");
    }

    static JsonNode line(JsonNode j, String tenant, String model) {
        for (JsonNode l : j.path("data")) {
            if (l.path("tenant").asText().equals(tenant) && l.path("model").asText().equals(model)) {
                return l;
            }
        }
        throw new AssertionError("no line " + tenant + "/" + model + " in " + j);
    }

    @Test
    void tableAndCsvCarryTheSameTotals() {
        Run table = replay("--ledger", "2026-11-01..2026-11-30", "--jdbc-url", url);
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("DID COST USD", "WOULD COST USD", "UNROUTABLE");
        String totalLine = table.out().lines().filter(l -> l.startsWith("TOTAL")).findFirst().orElseThrow();
        assertThat(totalLine.trim().split("\\s+")).containsSequence("9", "0.048", "0.012", "-0.03", "1", "1");

        Run csv = replay("--ledger", "2026-11", "--jdbc-url", url, "--format", "csv");
        assertThat(csv.code()).as(csv.err()).isZero();
        assertThat(csv.out().lines().findFirst().orElseThrow())
                .isEqualTo("tenant,model,calls,did_usd,would_usd,delta_usd,unroutable,unpriced,would_go_to");
        assertThat(csv.out()).contains("\nTOTAL,,9,0.048,0.012,-0.03,1,1,");
        assertThat(csv.out()).contains("acme,caravan/split,1,0.01,0.00175,-0.00825,0,0,\"weighted(a 3, b 1)\"");

        // one day: only row 9 of November's last day
        Run day = replay("--ledger", "2026-11-30", "--jdbc-url", url, "--format", "csv");
        assertThat(day.out()).contains("\nTOTAL,,1,0.003,0.003,0,0,0,");
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        Run period = replay("--ledger", "November", "--jdbc-url", url);
        assertThat(period.code()).isEqualTo(1);
        assertThat(period.err()).contains("period must be");
        Run format = replay("--ledger", "2026-11", "--jdbc-url", url, "--format", "xml");
        assertThat(format.code()).isEqualTo(1);
        Run noDb = replay("--ledger", "2026-11", "--data-dir", dir.resolve("nothing-here").toString());
        assertThat(noDb.code()).isEqualTo(1);
        assertThat(noDb.err()).contains("cannot read the ledger");
        // a routing file that is not YAML
        StringWriter err = new StringWriter();
        Path bad = dir.resolve("bad.yaml");
        try {
            Files.writeString(bad, "- route: [unclosed");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int code = CaravanCli.run(new String[] {"replay", "--ledger", "2026-11", "--routes", bad.toString(),
            "--jdbc-url", url}, new PrintWriter(new StringWriter()), new PrintWriter(err), Map.of());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("not valid YAML");
    }
}
