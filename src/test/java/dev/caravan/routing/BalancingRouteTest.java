package dev.caravan.routing;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.BindToRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.caravan.testing.GatewayTestSupport;
import dev.caravan.testing.RouteYaml;

import static dev.caravan.testing.RouteYaml.chain;
import static dev.caravan.routing.FailoverRouteTest.deployment;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Weighted, least-latency and lowest-cost chains, and breaker state across reloads. */
class BalancingRouteTest extends GatewayTestSupport {

    static final String OK = FailoverRouteTest.OK;

    String routing;

    @Override
    protected void prepareConfig(Path dir) throws IOException {
        routing = deployment("w3", "openai", "      - { name: weight, value: \"3\" }\n")
                + deployment("w1", "groq", "      - { name: weight, value: \"1\" }\n")
                + deployment("slow", "mistral", "")
                + deployment("fast", "deepseek", "")
                + deployment("pricey", "xai", "      - { name: inputPrice, value: \"10\" }\n"
                        + "      - { name: outputPrice, value: \"30\" }\n      - { name: quality, value: \"9\" }\n")
                + deployment("cheap", "qwen", "      - { name: inputPrice, value: \"0.1\" }\n"
                        + "      - { name: outputPrice, value: \"0.3\" }\n      - { name: quality, value: \"5\" }\n")
                + deployment("flaky", "together", """
                              - { name: minimumNumberOfCalls, value: "2" }
                              - { name: slidingWindowSize, value: "2" }
                              - { name: waitDurationInOpenStateMs, value: "600000" }
                        """)
                + chain("weighted", "customLoadBalancer: weightedChain", "w3", "w1")
                + chain("latency", "customLoadBalancer: leastLatencyChain", "slow", "fast")
                + chain("cost", "customLoadBalancer: lowestCostChain", "pricey", "cheap")
                + deployment("catone", "fireworks", "")
                + deployment("cattwo", "openrouter", "")
                + chain("flaky", RouteYaml.FAILOVER, "flaky", "w1")
                + chain("catcost", "customLoadBalancer: lowestCostChain", "catone", "cattwo")
                + RouteYaml.routeChat("""
                - toD: "direct:chain.${body.model.substring(6)}"
                """);
        Files.writeString(dir.resolve("routes/routing.camel.yaml"), routing);
        Files.writeString(dir.resolve("models.yaml"), catalogPrices("0.1", "5"));
    }

    /** Deployments catone and cattwo state no prices: the catalog (config/models.yaml) has them. */
    static String catalogPrices(String one, String two) {
        return """
                models:
                  - { provider: fireworks, model: m-catone, prices: {input: %s, output: %s}, source: test, as_of: 2026-01-01 }
                  - { provider: openrouter, model: m-cattwo, prices: {input: %s, output: %s}, source: test, as_of: 2026-01-01 }
                """.formatted(one, one, two, two);
    }

    @BeforeEach
    void answer() {
        stub.reset();
        stub.always((req, reply) -> {
            String provider = req.path().split("/")[1];
            if (provider.equals("mistral")) {
                Thread.sleep(40);
            }
            if (provider.equals("together")) {
                reply.json(500, "{}");
                return;
            }
            reply.json(200, OK.formatted(provider));
        });
    }

    HttpResponse<String> ask(String chain) {
        return chat("{\"model\":\"chain/" + chain + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    @Test
    void weightedSplitsTrafficByWeight() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<String> who = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            all.add(CompletableFuture.runAsync(() -> who.add(ask("weighted").headers()
                    .firstValue("x-caravan-deployment").orElse("none")), pool));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        pool.shutdown();
        long heavy = who.stream().filter("w3"::equals).count();
        long light = who.stream().filter("w1"::equals).count();
        assertThat(heavy + light).isEqualTo(1000);
        assertThat(heavy / 1000.0).isCloseTo(0.75, within(0.05));
    }

    @Test
    void leastLatencyMovesTrafficToTheFasterDeployment() {
        for (int i = 0; i < 20; i++) {
            ask("latency");
        }
        int fast = 0;
        for (int i = 0; i < 40; i++) {
            if (ask("latency").headers().firstValue("x-caravan-deployment").orElse("").equals("fast")) {
                fast++;
            }
        }
        assertThat(fast).isGreaterThanOrEqualTo(34); // all but the exploration share
    }

    @Test
    void lowestCostTriesTheCheapestFirstAndFailsOverToTheNext() {
        assertThat(ask("cost").headers().firstValue("x-caravan-deployment")).hasValue("cheap");
        stub.always((req, reply) -> {
            if (req.path().startsWith("/qwen/")) {
                reply.json(503, "{}");
            } else {
                reply.json(200, OK.formatted("other"));
            }
        });
        HttpResponse<String> r = ask("cost");
        assertThat(r.headers().firstValue("x-caravan-deployment")).hasValue("pricey");
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow()).startsWith("cheap=503/");
    }

    @Test
    void lowestCostTakesPricesFromTheCatalogAndFollowsItsEdits() throws Exception {
        assertThat(ask("catcost").headers().firstValue("x-caravan-deployment")).hasValue("catone");
        Path models = configDir.resolve("models.yaml");
        Path tmp = models.resolveSibling("models.yaml.tmp");
        Files.writeString(tmp, catalogPrices("5", "0.1"));
        Files.move(tmp, models, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long until = System.currentTimeMillis() + 10_000;
        String who = "catone";
        while (!who.equals("cattwo") && System.currentTimeMillis() < until) {
            Thread.sleep(100);
            who = ask("catcost").headers().firstValue("x-caravan-deployment").orElseThrow();
        }
        assertThat(who).as("after the price edit the other deployment is the cheaper one").isEqualTo("cattwo");
    }

    @Test
    void aQualityFloorLeavesCheaperButWorseDeploymentsOut() {
        LowestCostLoadBalancer lb = new LowestCostLoadBalancer();
        Deployment cheap = new Deployment();
        cheap.setQuality(5);
        cheap.setInputPrice("0.1");
        cheap.setOutputPrice("0.3");
        Deployment good = new Deployment();
        good.setQuality(9);
        good.setInputPrice("10");
        good.setOutputPrice("30");
        dev.caravan.gateway.ChatCall call = new dev.caravan.gateway.ChatCall("r", 0, null, true, Map.of());
        call.request(null, new dev.caravan.api.ChatRequest("m", List.of(), null, null, null, null, null, null, 100,
                null, null, null, null, null, null, null, null, null, null, null, null, null));
        call.promptTokens(1000);
        assertThat(lb.order(call, new Deployment[] {cheap, good}, 8)).containsExactly(1);
        assertThat(lb.order(call, new Deployment[] {cheap, good}, 0)).containsExactly(0, 1);
    }

    @Test
    void breakerStateSurvivesTheReloadOfAnUnrelatedRouteFile() throws Exception {
        ask("flaky");
        ask("flaky");
        Deployment flaky = registry().get("flaky");
        assertThat(flaky.getState()).isEqualTo("OPEN");
        Path providers = configDir.resolve("routes/providers.camel.yaml");
        Path tmp = Files.createTempFile(configDir, "p", ".tmp");
        Files.writeString(tmp, Files.readString(providers) + "\n# touched\n");
        Files.move(tmp, providers, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        long deadline = System.currentTimeMillis() + 3000;
        while (System.currentTimeMillis() < deadline && registry().get("flaky") == flaky) {
            Thread.sleep(50); // an unrelated file: the deployment is not even re-created
            if (System.currentTimeMillis() > deadline - 2000) {
                break;
            }
        }
        assertThat(registry().get("flaky").getState()).isEqualTo("OPEN");
        HttpResponse<String> r = ask("flaky");
        assertThat(r.headers().firstValue("x-caravan-attempts").orElseThrow()).startsWith("flaky=breaker_open/");
    }

    @Test
    void reloadingTheRoutingFileUnderLoadLosesNothing() throws Exception {
        stub.always((req, reply) -> {
            String provider = req.path().split("/")[1];
            if (req.body().contains("\"stream\":true")) {
                List<String> ev = new java.util.ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    ev.add(dev.caravan.testing.StubUpstream.data("{\"id\":\"s\",\"object\":\"chat.completion.chunk\","
                            + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w"
                            + i + "\"},\"finish_reason\":" + (i == 14 ? "\"stop\"" : "null") + "}]}"));
                }
                ev.add("data: [DONE]\n\n");
                reply.sse(ev, 100);
            } else {
                reply.json(200, OK.formatted(provider));
            }
        });
        CompletableFuture<StreamResult> streaming = CompletableFuture.supplyAsync(() -> stream(
                "{\"model\":\"chain/weighted\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"s\"}]}"));
        AtomicBoolean load = new AtomicBoolean(true);
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<CompletableFuture<Void>> workers = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            workers.add(CompletableFuture.runAsync(() -> {
                while (load.get()) {
                    statuses.add(ask("weighted").statusCode());
                }
            }, pool));
        }
        Path file = configDir.resolve("routes/routing.camel.yaml");
        for (int i = 0; i < 3; i++) {
            Thread.sleep(300);
            Path tmp = Files.createTempFile(configDir, "r", ".tmp");
            Files.writeString(tmp, routing + "\n# edit " + i + "\n" + deployment("extra" + i, "openai", ""));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        Thread.sleep(500);
        load.set(false);
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(statuses).hasSizeGreaterThan(20).containsOnly(200);
        StreamResult s = streaming.get(30, TimeUnit.SECONDS);
        assertThat(s.events()).hasSize(15);
        assertThat(s.endsWithDone()).isTrue();
        long deadline = System.currentTimeMillis() + 5000;
        while (registry().get("extra2") == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(registry().get("extra2")).isNotNull();
    }

    DeploymentRegistry registry() {
        return context.getRegistry().findSingleByType(DeploymentRegistry.class);
    }

    @org.apache.camel.BeanInject
    CamelContext context;
}
