package dev.caravan.routing;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Language;
import org.apache.camel.support.DefaultExchange;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import dev.caravan.api.ChatRequest;
import dev.caravan.api.Json;
import dev.caravan.gateway.RouteHeaders;

/**
 * A routing file ({@code config/routes/routing.camel.yaml}) read for offline questions: which deployment would
 * answer a call ({@link #resolve}), without starting routes or calling providers. It walks {@code route.chat} as
 * the gateway runs it: {@code choice} branches are decided by Camel's simple language on the same headers
 * {@code requestFacts} sets (and the typed request as the body), {@code toD} URIs are evaluated the same way,
 * {@code modelRouter} splits {@code <provider>/<model>}, and templated deployments, guardrail and shadow steps
 * resolve to their targets. Balancers become a {@link RoutePlan} (see there for the rule of each).
 */
public final class RoutingFile implements AutoCloseable {

    /** What the router sees of a call. Facts the ledger does not keep (task, images, tools) are absent. */
    public record Call(String model, String tenant, String keyId, boolean stream, String endpoint,
            long promptTokens) {
    }

    private record Dep(String id, String provider, String model, double weight, int quality) {
    }

    private static final Pattern PROVIDER_ROUTE = Pattern.compile("direct:provider\\.([^.]+)\\.chat");
    private static final int MAX_DEPTH = 32;

    private final Map<String, Dep> deployments = new HashMap<>();
    private final Map<String, List<Object>> routes = new HashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final CamelContext camel;
    private final Language simple;

    private RoutingFile(List<Object> entries) {
        for (Object e : entries) {
            if (e instanceof Map<?, ?> m) {
                read(m);
            }
        }
        camel = new DefaultCamelContext();
        // an offline helper: no start-up and shutdown lines in the output of the command that uses it
        camel.setStartupSummaryLevel(org.apache.camel.StartupSummaryLevel.Off);
        camel.start();
        simple = camel.resolveLanguage("simple");
    }

    /** Reads a routing file; a file that is not YAML, or not a list of route entries, is an error. */
    public static RoutingFile load(Path file) throws IOException {
        Object doc;
        try (Reader r = Files.newBufferedReader(file)) {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (RuntimeException e) {
            throw new IOException(file + " is not valid YAML: " + e.getMessage(), e);
        }
        if (!(doc instanceof List<?> list)) {
            throw new IOException(file + " is not a Camel YAML route file (a list of entries)");
        }
        return new RoutingFile(new ArrayList<>(list));
    }

    private void read(Map<?, ?> entry) {
        if (entry.get("templatedRoute") instanceof Map<?, ?> t) {
            Map<String, String> p = new HashMap<>();
            if (t.get("parameters") instanceof List<?> params) {
                for (Object o : params) {
                    if (o instanceof Map<?, ?> pm && pm.get("name") != null) {
                        p.put(String.valueOf(pm.get("name")), String.valueOf(pm.get("value")));
                    }
                }
            }
            String template = String.valueOf(t.get("routeTemplateRef"));
            String id = p.get("id");
            switch (template) {
                case "deployment" -> deployments.put(id, new Dep(id, p.get("provider"), p.get("model"),
                        number(p.get("weight"), 1), (int) number(p.get("quality"), 0)));
                case "guardrail" -> aliases.put("direct:guarded." + id, p.get("target"));
                case "shadow" -> aliases.put("direct:shadowed." + id, p.get("target"));
                default -> {
                }
            }
        } else if (entry.get("route") instanceof Map<?, ?> r && r.get("from") instanceof Map<?, ?> from) {
            Object steps = from.get("steps");
            routes.put(plain(String.valueOf(from.get("uri"))), steps instanceof List<?> l ? new ArrayList<>(l)
                    : List.of());
        }
    }

    /** Who would answer this call, at the file's current content. */
    public RoutePlan resolve(Call c) {
        Exchange ex = new DefaultExchange(camel);
        ex.getMessage().setBody(Json.MAPPER.convertValue(Map.of("model", c.model() == null ? "" : c.model(),
                "messages", List.of()), ChatRequest.class));
        if (c.model() != null) {
            ex.getMessage().setHeader(RouteHeaders.MODEL_ASKED, c.model());
        }
        ex.getMessage().setHeader(RouteHeaders.PROMPT_TOKENS, c.promptTokens());
        ex.getMessage().setHeader(RouteHeaders.TENANT, c.tenant());
        ex.getMessage().setHeader(RouteHeaders.KEY_ID, c.keyId());
        ex.getMessage().setHeader(RouteHeaders.STREAM, c.stream());
        ex.getMessage().setHeader(RouteHeaders.ENDPOINT, c.endpoint());
        ex.getMessage().setHeader(RouteHeaders.HAS_IMAGES, false);
        ex.getMessage().setHeader(RouteHeaders.HAS_TOOLS, false);
        return endpoint("direct:route.chat", ex, 0);
    }

    private RoutePlan endpoint(String uri, Exchange ex, int depth) {
        if (depth > MAX_DEPTH) {
            return new RoutePlan.Unroutable("routes call each other in a loop");
        }
        String u = plain(uri);
        if (u.startsWith("direct:deployment.")) {
            Dep d = deployments.get(u.substring("direct:deployment.".length()));
            return d == null ? new RoutePlan.Unroutable("no deployment serves " + u)
                    : new RoutePlan.Leaf(d.id(), d.provider(), d.model(), d.weight(), d.quality());
        }
        if (aliases.containsKey(u)) {
            return endpoint(aliases.get(u), ex, depth + 1);
        }
        Matcher m = PROVIDER_ROUTE.matcher(u);
        if (m.matches()) {
            String model = ex.getMessage().getHeader(RouteHeaders.MODEL, String.class);
            return new RoutePlan.Leaf(null, m.group(1), model != null ? model : modelOf(ex), 1, 0);
        }
        List<Object> steps = routes.get(u);
        return steps == null ? new RoutePlan.Unroutable("no route serves " + u) : steps(steps, ex, depth + 1);
    }

    private RoutePlan steps(List<?> steps, Exchange ex, int depth) {
        for (Object s : steps) {
            if (!(s instanceof Map<?, ?> step) || step.isEmpty()) {
                continue;
            }
            String kind = String.valueOf(step.keySet().iterator().next());
            Object v = step.get(kind);
            switch (kind) {
                case "to" -> {
                    return endpoint(uri(v), ex, depth);
                }
                case "toD" -> {
                    String target;
                    try {
                        target = simple.createExpression(uri(v)).evaluate(ex, String.class);
                    } catch (RuntimeException e) {
                        return new RoutePlan.Unroutable("cannot evaluate " + uri(v) + ": " + e.getMessage());
                    }
                    return endpoint(target, ex, depth);
                }
                case "choice" -> {
                    RoutePlan p = choice(v, ex, depth);
                    if (p != null) {
                        return p;
                    }
                }
                case "process" -> {
                    RoutePlan refused = process(v, ex);
                    if (refused != null) {
                        return refused;
                    }
                }
                case "setHeader" -> setHeader(v, ex);
                case "loadBalance" -> {
                    return balance(v, ex, depth);
                }
                default -> {
                    // guardrails, logging, filters: no effect on who answers
                }
            }
        }
        return new RoutePlan.Unroutable("the route ends without calling a deployment");
    }

    private RoutePlan choice(Object v, Exchange ex, int depth) {
        if (!(v instanceof Map<?, ?> c)) {
            return null;
        }
        if (c.get("when") instanceof List<?> whens) {
            for (Object w : whens) {
                if (w instanceof Map<?, ?> when && matches(when, ex)) {
                    return steps(list(when.get("steps")), ex, depth);
                }
            }
        }
        if (c.get("otherwise") instanceof Map<?, ?> o) {
            return steps(list(o.get("steps")), ex, depth);
        }
        return null;
    }

    private boolean matches(Map<?, ?> when, Exchange ex) {
        Object expr = when.get("simple");
        if (expr == null && when.get("expression") instanceof Map<?, ?> e) {
            expr = e.get("simple");
        }
        if (expr instanceof Map<?, ?> m) {
            expr = m.get("expression");
        }
        if (expr == null) {
            return false;
        }
        try {
            return simple.createPredicate(String.valueOf(expr)).matches(ex);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** modelRouter: {@code <provider>/<model>}; any other processor does not change who answers. */
    private RoutePlan process(Object v, Exchange ex) {
        Object ref = v instanceof Map<?, ?> m ? m.get("ref") : v;
        if (!"modelRouter".equals(String.valueOf(ref))) {
            return null;
        }
        String model = modelOf(ex);
        int slash = model.indexOf('/');
        if (slash <= 0 || slash == model.length() - 1) {
            return new RoutePlan.Unroutable("model '" + model + "' is not '<provider>/<model>'");
        }
        ex.getMessage().setHeader(RouteHeaders.PROVIDER, model.substring(0, slash));
        ex.getMessage().setHeader(RouteHeaders.MODEL, model.substring(slash + 1));
        return null;
    }

    private void setHeader(Object v, Exchange ex) {
        if (!(v instanceof Map<?, ?> m) || m.get("name") == null) {
            return;
        }
        Object value = m.get("constant");
        if (value == null && m.get("simple") != null) {
            try {
                value = simple.createExpression(String.valueOf(m.get("simple"))).evaluate(ex, Object.class);
            } catch (RuntimeException e) {
                value = null;
            }
        }
        ex.getMessage().setHeader(String.valueOf(m.get("name")), value);
    }

    private RoutePlan balance(Object v, Exchange ex, int depth) {
        if (!(v instanceof Map<?, ?> lb)) {
            return new RoutePlan.Unroutable("loadBalance without steps");
        }
        List<RoutePlan> options = new ArrayList<>();
        for (Object s : list(lb.get("steps"))) {
            if (s instanceof Map<?, ?> step && (step.containsKey("to") || step.containsKey("toD"))) {
                options.add(steps(List.of(step), ex.copy(), depth));
            }
        }
        List<RoutePlan> usable = options.stream().filter(p -> !(p instanceof RoutePlan.Unroutable)).toList();
        if (usable.isEmpty()) {
            return options.isEmpty() ? new RoutePlan.Unroutable("loadBalance without steps") : options.get(0);
        }
        String custom = custom(lb.get("customLoadBalancer"));
        if ("weightedChain".equals(custom)) {
            return new RoutePlan.Weighted(usable, usable.stream().map(RoutingFile::weight).toList());
        }
        if ("lowestCostChain".equals(custom)) {
            int floor = (int) number(ex.getMessage().getHeader("CaravanQualityFloor", String.class), 0);
            List<RoutePlan> fit = usable.stream()
                    .filter(p -> !(p instanceof RoutePlan.Leaf l) || l.quality() >= floor).toList();
            return fit.isEmpty() ? new RoutePlan.Unroutable("no deployment reaches quality " + floor)
                    : new RoutePlan.Cheapest(fit);
        }
        if (lb.containsKey("roundRobinLoadBalancer") || lb.containsKey("randomLoadBalancer")) {
            return new RoutePlan.Weighted(usable, usable.stream().map(p -> 1.0).toList());
        }
        if (lb.get("weightedLoadBalancer") instanceof Map<?, ?> w && w.get("distributionRatio") != null) {
            String[] ratio = String.valueOf(w.get("distributionRatio")).split("[,;]");
            if (ratio.length == options.size()) {
                List<RoutePlan> opts = new ArrayList<>();
                List<Double> weights = new ArrayList<>();
                for (int i = 0; i < ratio.length; i++) {
                    if (!(options.get(i) instanceof RoutePlan.Unroutable)) {
                        opts.add(options.get(i));
                        weights.add(number(ratio[i].trim(), 1));
                    }
                }
                return new RoutePlan.Weighted(opts, weights);
            }
        }
        // ordered failover, least latency, sticky and the rest: the first deployment that can be called
        return usable.get(0);
    }

    private static double weight(RoutePlan p) {
        return p instanceof RoutePlan.Leaf l ? l.weight() : 1.0;
    }

    private static String custom(Object v) {
        if (v instanceof Map<?, ?> m) {
            Object ref = m.get("ref");
            return ref == null ? null : String.valueOf(ref);
        }
        return v == null ? null : String.valueOf(v);
    }

    private static String modelOf(Exchange ex) {
        ChatRequest r = ex.getMessage().getBody(ChatRequest.class);
        return r == null || r.model() == null ? "" : r.model();
    }

    private static String uri(Object v) {
        if (v instanceof Map<?, ?> m) {
            return String.valueOf(m.get("uri"));
        }
        return String.valueOf(v);
    }

    private static List<?> list(Object v) {
        return v instanceof List<?> l ? l : List.of();
    }

    private static String plain(String uri) {
        String u = uri.trim();
        int q = u.indexOf('?');
        return q < 0 ? u : u.substring(0, q);
    }

    private static double number(String s, double dflt) {
        if (s == null || s.isBlank()) {
            return dflt;
        }
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    @Override
    public void close() {
        camel.stop();
    }
}
