package dev.caravan.reload;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.StubUpstream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Route files edited while traffic flows: the change is live within a second, in-flight requests and streams
 * finish, nothing fails meanwhile, and a broken file is rejected (file and line logged) while the last good
 * routes keep serving.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotReloadTest extends GatewayTestSupport {

    static final String COMPLETION = """
            {"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,
             "message":{"role":"assistant","content":"ok"},"logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(RouteFiles.class)).addAppender(logs);
    }

    @AfterAll
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(RouteFiles.class)).detachAppender(logs);
    }

    Path providersFile() {
        return configDir.resolve("routes/providers.camel.yaml");
    }

    /** Replaces a file the way deployment tools do: write a temp file, then an atomic rename. */
    void atomicWrite(Path file, String content) throws Exception {
        Path tmp = Files.createTempFile(file.getParent().getParent(), "edit", ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static final String ACME = """

            - templatedRoute:
                routeTemplateRef: openai-compatible
                routeId: provider.acme.chat
                parameters:
                  - { name: provider, value: acme }
                  - { name: baseUrl, value: "%s/acme" }
                  - { name: apiKey, value: "sk-acme-test-key-123456" }
                  - { name: models, value: "acme-large" }
            """;

    HttpResponse<String> ask(String model) {
        return chat("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    void awaitStatus(String model, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (ask(model).statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ask(model).statusCode()).as(model + " within a second").isEqualTo(status);
    }

    @Test
    @Order(1)
    void anEditIsLiveWithinASecondWhileInFlightCallsFinish() throws Exception {
        stub.always((req, reply) -> {
            if (req.body().contains("\"slow\"")) {
                Thread.sleep(1500);
            }
            if (req.body().contains("\"stream\":true")) {
                List<String> ev = new java.util.ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    ev.add(StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\",\"created\":1,"
                            + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w" + i
                            + "\"},\"finish_reason\":" + (i == 9 ? "\"stop\"" : "null") + "}]}"));
                }
                ev.add("data: [DONE]\n\n");
                reply.sse(ev, 150);
            } else {
                reply.json(200, COMPLETION);
            }
        });
        assertThat(ask("acme/acme-large").statusCode()).isEqualTo(404);

        CompletableFuture<HttpResponse<String>> slow = CompletableFuture.supplyAsync(() -> chat(
                "{\"model\":\"openai/gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"slow\"}]}"));
        CompletableFuture<StreamResult> streaming = CompletableFuture.supplyAsync(() -> stream(
                "{\"model\":\"openai/gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"s\"}]}"));
        AtomicBoolean load = new AtomicBoolean(true);
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
            while (load.get()) {
                statuses.add(ask("openai/gpt-4o-mini").statusCode());
            }
        });
        Thread.sleep(300);

        atomicWrite(providersFile(), Files.readString(providersFile()) + ACME.formatted(stub.baseUrl()));
        awaitStatus("acme/acme-large", 200);
        assertThat(stub.requests()).anySatisfy(r -> {
            assertThat(r.path()).isEqualTo("/acme/chat/completions");
            assertThat(r.header("authorization")).isEqualTo("Bearer sk-acme-test-key-123456");
        });

        HttpResponse<String> slowReply = slow.get(10, TimeUnit.SECONDS);
        assertThat(slowReply.statusCode()).isEqualTo(200);
        StreamResult s = streaming.get(10, TimeUnit.SECONDS);
        assertThat(s.events()).hasSize(10);
        assertThat(s.endsWithDone()).isTrue();
        load.set(false);
        traffic.get(10, TimeUnit.SECONDS);
        assertThat(statuses).isNotEmpty().containsOnly(200);
    }

    @Test
    @Order(2)
    void aFileThatDoesNotParseIsRejectedWithItsLineAndTheOldRoutesKeepServing() throws Exception {
        String good = Files.readString(providersFile());
        logs.list.clear();
        atomicWrite(providersFile(), good + "\n- templatedRoute:\n    routeTemplateRef: [unclosed\n");
        awaitLog("Rejected");
        assertThat(rejections()).anySatisfy(m -> assertThat(m).contains("providers.camel.yaml").containsPattern("line \\d+"));
        assertThat(ask("acme/acme-large").statusCode()).isEqualTo(200);
        assertThat(ask("openai/gpt-4o").statusCode()).isEqualTo(200);
        atomicWrite(providersFile(), good);
    }

    @Test
    @Order(3)
    void aFileThatParsesButDoesNotBuildIsRejectedAndTheOldRoutesKeepServing() throws Exception {
        String good = Files.readString(providersFile());
        logs.list.clear();
        String broken = good.replace("routeTemplateRef: openai-compatible\n    routeId: provider.acme.chat",
                "routeTemplateRef: no-such-template\n    routeId: provider.acme.chat");
        assertThat(broken).isNotEqualTo(good);
        atomicWrite(providersFile(), broken);
        awaitLog("Rejected");
        assertThat(rejections()).anySatisfy(m -> assertThat(m).contains("providers.camel.yaml")
                .contains("no-such-template"));
        assertThat(ask("acme/acme-large").statusCode()).isEqualTo(200);
        assertThat(ask("openai/gpt-4o").statusCode()).isEqualTo(200);
        atomicWrite(providersFile(), good);
    }

    @Test
    @Order(4)
    void theRouterFileReloadsToo() throws Exception {
        Path routing = configDir.resolve("routes/routing.camel.yaml");
        atomicWrite(routing, """
                - route:
                    id: route.chat
                    from:
                      uri: direct:route.chat
                      steps:
                        - choice:
                            when:
                              - simple: "${body.model} == 'house/default'"
                                steps:
                                  - setBody:
                                      simple: "${body}"
                                  - setHeader:
                                      name: CaravanProvider
                                      constant: acme
                                  - setHeader:
                                      name: CaravanModel
                                      constant: acme-large
                            otherwise:
                              steps:
                                - process:
                                    ref: modelRouter
                        - toD: "direct:provider.${header.CaravanProvider}.chat?timeout=30000"
                """);
        awaitStatus("house/default", 200);
        stub.reset();
        stub.always((req, reply) -> reply.json(200, COMPLETION));
        assertThat(ask("house/default").statusCode()).isEqualTo(200);
        assertThat(stub.requests()).extracting(StubUpstream.Recorded::path).containsExactly("/acme/chat/completions");
        assertThat(ask("openai/gpt-4o").statusCode()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void removingAProviderEntryRemovesTheProvider() throws Exception {
        String good = Files.readString(providersFile());
        atomicWrite(providersFile(), good.substring(0, good.indexOf("\n- templatedRoute:\n    routeTemplateRef: openai-compatible\n    routeId: provider.acme.chat")));
        awaitStatus("acme/acme-large", 404);
        assertThat(ask("openai/gpt-4o").statusCode()).isEqualTo(200);
    }

    List<String> rejections() {
        return logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("Rejected")).toList();
    }

    void awaitLog(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (rejections().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(rejections()).as("a '" + prefix + "' log line").isNotEmpty();
    }
}
