package dev.caravan.ledger;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.money.MoneyTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caravan.ledger.durability=sync}: a call's ledger row is committed before the client has the end of its
 * reply. The batch path is set to flush only every 60 s, so a row found right after the reply can only have been
 * written by the sync path; each check queries the database the moment the reply (or a stream's final event)
 * arrived, without waiting. {@link LedgerSyncPostgresRouteTest} runs the same on PostgreSQL.
 */
class LedgerSyncRouteTest extends MoneyTestSupport {

    static final String CHUNK = "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}";
    static final String USAGE = "{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
    static final String EMBEDDINGS = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
            + "\"embedding\":[0.5,-1.0]}],\"model\":\"text-embedding-3-small\","
            + "\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";

    final ExecutorService clients = Executors.newFixedThreadPool(32);

    @Override
    protected Map<String, String> properties() {
        return Map.of("caravan.ledger.durability", "sync", "caravan.ledger.flush-ms", "60000");
    }

    /** The same test on another database. */
    protected static Map<String, String> with(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(Map.of("caravan.ledger.durability", "sync",
                "caravan.ledger.flush-ms", "60000"));
        all.putAll(more);
        return all;
    }

    @AfterAll
    void stopClients() {
        clients.shutdownNow();
    }

    @BeforeEach
    void upstream() {
        stub.reset();
        stub.always((req, reply) -> {
            if (req.path().endsWith("/embeddings")) {
                reply.json(200, EMBEDDINGS);
            } else if (req.body().contains("\"stream\":true")) {
                reply.sse(List.of(StubUpstream.data(CHUNK), StubUpstream.data(USAGE), "data: [DONE]\n\n"), 0);
            } else {
                reply.json(200, completion("gpt-4o-mini", 12, 3, 0, 0));
            }
        });
    }

    @Test
    void theH2DatabaseWritesEveryCommitToItsFile() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(database().isPostgres());
        try (Connection c = database().connection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("0");
        }
    }

    @Test
    void aChatCompletionsRowIsCommittedBeforeTheReply() {
        HttpResponse<String> r = post("/v1/chat/completions", ask("openai/gpt-4o-mini"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(row(requestId(r))).containsEntry("endpoint", "chat").containsEntry("status", 200);
    }

    @Test
    void anErrorReplysRowIsCommittedBeforeTheReply() {
        HttpResponse<String> r = post("/v1/chat/completions", ask("nosuchprovider/model"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(row(requestId(r))).containsEntry("status", 404).containsEntry("error_code", "model_not_found");
    }

    @Test
    void anEmbeddingsRowIsCommittedBeforeTheReply() {
        HttpResponse<String> r = post("/v1/embeddings",
                "{\"model\":\"openai/text-embedding-3-small\",\"input\":\"hi\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(row(requestId(r))).containsEntry("endpoint", "embeddings");
    }

    @Test
    void aMessagesRowIsCommittedBeforeTheReply() {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/v1/messages")).header("x-api-key", KEY)
                .header("anthropic-version", "2023-06-01").header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(row(requestId(r))).containsEntry("endpoint", "messages");
    }

    @Test
    void aStreamsRowIsCommittedBeforeItsDoneEvent() throws Exception {
        Map<String, Object> row = streamUntil("/v1/chat/completions", "{\"model\":\"openai/gpt-4o-mini\","
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "data: [DONE]");
        assertThat(row).containsEntry("stream", true).containsEntry("completion_tokens", 1L);
    }

    @Test
    void aMessagesStreamsRowIsCommittedBeforeItsMessageStop() throws Exception {
        Map<String, Object> row = streamUntil("/v1/messages", "{\"model\":\"openai/gpt-4o-mini\",\"max_tokens\":16,"
                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "event: message_stop");
        assertThat(row).containsEntry("stream", true).containsEntry("endpoint", "messages");
    }

    @Test
    void concurrentCallsAreAllCommittedBeforeTheirReplies() {
        List<CompletableFuture<Map<String, Object>>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fs.add(CompletableFuture.supplyAsync(() -> {
                HttpResponse<String> r = post("/v1/chat/completions", ask("openai/gpt-4o-mini"));
                assertThat(r.statusCode()).isEqualTo(200);
                return row(requestId(r));
            }, clients));
        }
        assertThat(fs.stream().map(CompletableFuture::join)).hasSize(200).allSatisfy(
                r -> assertThat(r).containsEntry("status", 200));
    }

    /** Streams {@code body} and returns the call's row as read the moment the line {@code last} arrived. */
    Map<String, Object> streamUntil(String path, String body, String last) throws Exception {
        HttpResponse<InputStream> resp = http.send(HttpRequest.newBuilder(uri(path))
                .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.statusCode()).isEqualTo(200);
        String id = resp.headers().firstValue("x-request-id").orElseThrow();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null) {
                if (l.equals(last)) {
                    return row(id);
                }
            }
        }
        throw new AssertionError("the stream ended without " + last);
    }

    static String requestId(HttpResponse<?> r) {
        return r.headers().firstValue("x-request-id").orElseThrow();
    }

    /** The row of {@code requestId}, read now; fails when there is none. */
    Map<String, Object> row(String requestId) {
        try (Connection c = database().connection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM caravan_ledger WHERE request_id = ?")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("ledger row of " + requestId + " when the reply arrived").isTrue();
                Map<String, Object> row = new java.util.LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i).toLowerCase(java.util.Locale.ROOT), rs.getObject(i));
                }
                return row;
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
