package dev.caravan.money;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;

import dev.caravan.db.Database;
import dev.caravan.testing.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real gateway plus helpers for the admin API, virtual keys and the ledger. */
public abstract class MoneyTestSupport extends GatewayTestSupport {

    @BeanInject
    protected CamelContext context;

    /** A key as the admin API created it. */
    public record NewKey(String id, String secret, JsonNode json) {
    }

    public HttpResponse<String> admin(String method, String path, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
                .header("authorization", "Bearer " + ADMIN_KEY).timeout(Duration.ofSeconds(10));
        if (json != null) {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return send(b.build());
    }

    public NewKey createKey(String json) {
        HttpResponse<String> r = admin("POST", "/admin/keys", json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode n = json(r.body());
        return new NewKey(n.get("id").asText(), n.get("key").asText(), n);
    }

    /** A chat request with {@code key}; {@code headers} are name, value pairs. */
    public HttpResponse<String> chatAs(String key, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("authorization", "Bearer " + key).header("content-type", "application/json")
                .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** An OpenAI chat.completion with the given usage. */
    public static String completion(String model, long prompt, long completion, long cached, long reasoning) {
        return """
                {"id":"chatcmpl-%d","object":"chat.completion","created":1735689600,"model":"%s",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,
                 "prompt_tokens_details":{"cached_tokens":%d},
                 "completion_tokens_details":{"reasoning_tokens":%d}}}"""
                .formatted(System.nanoTime(), model, prompt, completion, prompt + completion, cached, reasoning);
    }

    public static String ask(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    protected Database database() {
        return context.getRegistry().lookupByNameAndType("caravanDatabase", Database.class);
    }

    /** Every ledger row, oldest first, as column → value. */
    protected List<Map<String, Object>> ledger() {
        try (Connection c = database().connection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM caravan_ledger ORDER BY ts_ms");
                ResultSet rs = ps.executeQuery()) {
            List<Map<String, Object>> rows = new ArrayList<>();
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.put(md.getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    protected long ledgerCount() {
        try (Connection c = database().connection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM caravan_ledger");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    protected void awaitLedger(long rows) {
        await().atMost(10, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(() -> ledgerCount() >= rows);
    }

    protected static BigDecimal decimal(Object v) {
        return v == null ? null : new BigDecimal(v.toString());
    }
}
