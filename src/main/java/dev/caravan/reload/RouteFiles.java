package dev.caravan.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.direct.DirectConsumer;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.caravan.provider.ProviderRegistry;
import dev.caravan.routing.DeploymentRegistry;
import dev.caravan.support.Secrets;

/**
 * Loads the user's route files ({@code <config>/routes/*.yaml}) and reloads a file when it changes, without
 * losing a request: the new routes are built next to the old ones and take their {@code direct:} endpoints over
 * as they start ({@link SwitchableDirectComponent}), then the old routes finish their in-flight exchanges and are
 * removed. A reloaded route therefore alternates between its id and {@code <id>-r<n>} while the previous revision
 * drains.
 *
 * <p>A file that does not parse or does not build is rejected, logged with its file name (and line, where the
 * parser gives one), and the last good routes keep serving. Camel's own reload strategy is not used: it drops
 * templated routes on update and makes callers wait for in-flight exchanges (DESIGN section 5).
 */
public final class RouteFiles implements RoutesBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFiles.class);
    /** Before checking whether a replaced route has drained. */
    private static final long GRACE_MS = 1000;
    private static final Pattern REVISION = Pattern.compile("(.*)-r(\\d+)");
    private static final Pattern PROVIDER_ROUTE = Pattern.compile("provider\\.(.+)\\.chat");
    private static final Pattern DEPLOYMENT_ROUTE = Pattern.compile("deployment\\.(.+)");

    private final Path dir;
    private final long drainMillis;
    private CamelContext context;
    /** file → logical route id → live route id */
    private final Map<Path, Map<String, String>> live = new HashMap<>();
    private final Map<Path, String> lastGood = new HashMap<>();
    private final ScheduledExecutorService drainer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "caravan-route-drain");
        t.setDaemon(true);
        return t;
    });
    private int revision;
    private FileWatcher watcher;

    public RouteFiles(Path dir, long drainMillis) {
        this.dir = dir;
        this.drainMillis = drainMillis;
    }

    public Path directory() {
        return dir;
    }

    // ---- initial load (Camel Main calls these while it builds the context) ----

    private final Map<Path, List<RouteBuilder>> initial = new LinkedHashMap<>();

    /** The shipped route files (config/routes in the source tree), in the jar under {@code caravan-defaults/}. */
    static final List<String> BUILT_IN = List.of("providers.camel.yaml", "routing.camel.yaml");

    @Override
    public void addRoutesToCamelContext(CamelContext ctx) throws Exception {
        this.context = ctx;
        Map<Path, String> sources = new LinkedHashMap<>();
        for (Path file : files()) {
            sources.put(file, Files.readString(file, StandardCharsets.UTF_8));
        }
        if (!Files.isDirectory(dir)) {
            LOG.warn("{} does not exist: serving the built-in provider and routing files from the jar (not "
                    + "reloadable). Copy config/ from the distribution and point caravan.config.dir at it to edit "
                    + "them.", dir);
            for (String name : BUILT_IN) {
                try (var in = RouteFiles.class.getClassLoader().getResourceAsStream("caravan-defaults/routes/" + name)) {
                    if (in != null) {
                        sources.put(dir.resolve(name), new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        for (Map.Entry<Path, String> source : sources.entrySet()) {
            Path file = source.getKey();
            String content = source.getValue();
            List<RouteBuilder> builders = parse(file, content);
            Model model = model();
            Set<String> before = ids(model);
            for (RouteBuilder b : builders) {
                b.addRoutesToCamelContext(ctx);
            }
            record(file, before, model);
            initial.put(file, builders);
            lastGood.put(file, content);
        }
    }

    @Override
    public void addTemplatedRoutesToCamelContext(CamelContext ctx) throws Exception {
        for (Map.Entry<Path, List<RouteBuilder>> e : initial.entrySet()) {
            Model model = model();
            Set<String> before = ids(model);
            for (RouteBuilder b : e.getValue()) {
                b.addTemplatedRoutesToCamelContext(ctx);
            }
            record(e.getKey(), before, model);
        }
        initial.clear();
    }

    @Override
    public Set<String> updateRoutesToCamelContext(CamelContext ctx) {
        throw new UnsupportedOperationException("route files are reloaded by RouteFiles itself");
    }

    private void record(Path file, Set<String> before, Model model) {
        Map<String, String> m = live.computeIfAbsent(file, k -> new LinkedHashMap<>());
        for (String id : ids(model)) {
            if (!before.contains(id)) {
                m.put(logical(id), id);
            }
        }
    }

    /** Starts watching the directory; changes are applied within ~100 ms of the write. */
    public void watch() {
        if (watcher == null && Files.isDirectory(dir)) {
            watcher = new FileWatcher(dir, this::onChange);
            watcher.start();
            LOG.info("Watching {} for route changes", dir);
        }
    }

    /** Stops watching and draining; called when the context starts stopping, before it stops the routes. */
    public void stop() {
        if (watcher != null) {
            watcher.stop();
        }
        drainer.shutdownNow();
        try {
            drainer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onChange(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) {
            return;
        }
        try {
            reload(file);
        } catch (Exception e) {
            LOG.error("Reloading {} failed: {}", file, Secrets.scrub(String.valueOf(e)));
        }
    }

    // ---- reload ----

    /** Applies the current content of {@code file}; returns false when the file was rejected. */
    public synchronized boolean reload(Path file) throws Exception {
        file = file.toAbsolutePath().normalize();
        String content = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
        if (content != null && content.equals(lastGood.get(file))) {
            return true;
        }
        List<RouteDefinition> routes = new ArrayList<>();
        List<TemplatedRouteDefinition> templated = new ArrayList<>();
        if (content != null) {
            try {
                for (RouteBuilder b : parse(file, content)) {
                    b.configureRoutes(context);
                    routes.addAll(b.getRouteCollection().getRoutes());
                    templated.addAll(b.getTemplatedRouteCollection().getTemplatedRoutes());
                }
                checkIds(routes, templated);
            } catch (Exception e) {
                LOG.error("Rejected {}: {}. The last good routes keep serving.", file, describe(e));
                return false;
            }
        }
        Map<String, String> old = live.getOrDefault(file, Map.of());
        Map<String, String> fresh = new LinkedHashMap<>();
        for (RouteDefinition rd : routes) {
            String id = nextId(rd.getRouteId(), old);
            fresh.put(rd.getRouteId(), id);
            rd.setId(id);
        }
        for (TemplatedRouteDefinition t : templated) {
            String id = nextId(t.getRouteId(), old);
            fresh.put(t.getRouteId(), id);
            t.setRouteId(id);
        }

        // Add the new revision next to the old one: each new route takes its direct endpoint over as it starts
        // (SwitchableDirectComponent), so callers never wait; the old routes finish what they hold, then go.
        Model model = model();
        try {
            model.addRouteDefinitions(routes);
            for (TemplatedRouteDefinition t : templated) {
                model.addRouteFromTemplatedRoute(t);
            }
        } catch (Exception e) {
            for (String id : fresh.values()) {
                removeNow(id);
            }
            for (String id : old.values()) {
                Route r = context.getRoute(id);
                if (r != null && r.getConsumer() instanceof DirectConsumer dc
                        && context.getComponent("direct") instanceof SwitchableDirectComponent direct) {
                    direct.restore(dc);
                }
            }
            LOG.error("Rejected {}: {}. The last good routes keep serving.", file, describe(e));
            return false;
        }
        Set<String> gone = new LinkedHashSet<>(old.keySet());
        gone.removeAll(fresh.keySet());
        for (String id : old.values()) {
            // a caller may have looked the old consumer up an instant before the swap: give it time to enter
            if (!drainer.isShutdown()) {
                drainer.schedule(() -> drainThenRemove(id, System.currentTimeMillis()), GRACE_MS, TimeUnit.MILLISECONDS);
            }
        }
        for (String logicalId : gone) {
            Matcher m = PROVIDER_ROUTE.matcher(logicalId);
            if (m.matches()) {
                ProviderRegistry reg = context.getRegistry().findSingleByType(ProviderRegistry.class);
                if (reg != null) {
                    reg.unregister(m.group(1));
                }
            }
            Matcher dm = DEPLOYMENT_ROUTE.matcher(logicalId);
            if (dm.matches()) {
                DeploymentRegistry reg = context.getRegistry().findSingleByType(DeploymentRegistry.class);
                if (reg != null) {
                    reg.unregister(dm.group(1));
                }
            }
        }
        if (content == null) {
            live.remove(file);
            lastGood.remove(file);
        } else {
            live.put(file, fresh);
            lastGood.put(file, content);
        }
        LOG.info("Reloaded {}: {} route(s) {}, {} removed", file.getFileName(), fresh.size(), fresh.values(),
                gone.size());
        return true;
    }

    private void checkIds(List<RouteDefinition> routes, List<TemplatedRouteDefinition> templated) {
        Set<String> seen = new HashSet<>();
        for (RouteDefinition rd : routes) {
            if (rd.getRouteId() == null || !rd.hasCustomIdAssigned()) {
                throw new IllegalArgumentException("a route from " + rd.getInput().getUri()
                        + " has no id; every route in a reloadable file needs one");
            }
            if (!seen.add(rd.getRouteId())) {
                throw new IllegalArgumentException("duplicate route id " + rd.getRouteId());
            }
        }
        for (TemplatedRouteDefinition t : templated) {
            if (t.getRouteId() == null || t.getRouteId().isBlank()) {
                throw new IllegalArgumentException("a templatedRoute of " + t.getRouteTemplateRef()
                        + " has no routeId; every route in a reloadable file needs one");
            }
            if (!seen.add(t.getRouteId())) {
                throw new IllegalArgumentException("duplicate route id " + t.getRouteId());
            }
        }
    }

    /** The id for the next revision of a route: its logical id when free, else {@code <id>-r<n>}. */
    private String nextId(String logicalId, Map<String, String> old) {
        String current = old.get(logicalId);
        if (current == null && context.getRoute(logicalId) == null) {
            return logicalId;
        }
        if (current != null && !current.equals(logicalId) && context.getRoute(logicalId) == null) {
            return logicalId;
        }
        String id;
        do {
            id = logicalId + "-r" + (++revision);
        } while (context.getRoute(id) != null);
        return id;
    }

    private void drainThenRemove(String id, long since) {
        if (drainer.isShutdown()) {
            return;
        }
        drainer.execute(() -> {
            int inflight = context.getInflightRepository().size(id);
            if (inflight > 0 && System.currentTimeMillis() - since < drainMillis) {
                drainer.schedule(() -> drainThenRemove(id, since), 100, TimeUnit.MILLISECONDS);
                return;
            }
            if (inflight > 0) {
                LOG.warn("Route {} still has {} exchange(s) in flight after {} ms; removing it anyway", id, inflight,
                        drainMillis);
            }
            synchronized (this) {
                removeNow(id);
            }
        });
    }

    private void removeNow(String id) {
        try {
            if (context.getRoute(id) != null) {
                context.getRouteController().stopRoute(id, 5, TimeUnit.SECONDS);
                context.removeRoute(id);
            }
            RouteDefinition rd = model().getRouteDefinition(id);
            if (rd != null) {
                model().removeRouteDefinition(rd);
            }
        } catch (Exception e) {
            LOG.warn("Could not remove route {}: {}", id, e.toString());
        }
    }

    // ---- helpers ----

    private List<RouteBuilder> parse(Path file, String content) throws Exception {
        Resource res = ResourceHelper.fromString("file:" + file, content);
        Collection<RoutesBuilder> found = PluginHelper.getRoutesLoader(context).findRoutesBuilders(res);
        List<RouteBuilder> out = new ArrayList<>();
        for (RoutesBuilder rb : found) {
            if (!(rb instanceof RouteBuilder b)) {
                throw new IllegalArgumentException("unsupported route file type: " + file);
            }
            b.setCamelContext(context);
            b.setResource(res);
            out.add(b);
        }
        return out;
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .map(p -> p.toAbsolutePath().normalize()).sorted().toList();
        }
    }

    private Model model() {
        return context.getCamelContextExtension().getContextPlugin(Model.class);
    }

    private static Set<String> ids(Model model) {
        Set<String> out = new HashSet<>();
        for (RouteDefinition rd : model.getRouteDefinitions()) {
            out.add(rd.getRouteId());
        }
        return out;
    }

    static String logical(String id) {
        Matcher m = REVISION.matcher(id);
        return m.matches() ? m.group(1) : id;
    }

    /** The root cause, which for YAML errors carries the line and column. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        Throwable t = e;
        Set<Throwable> seen = new HashSet<>();
        while (t != null && seen.add(t)) {
            String m = t.getMessage();
            if (m != null && !m.isBlank() && (sb.isEmpty() || !sb.toString().contains(m))) {
                if (!sb.isEmpty()) {
                    sb.append(" <- ");
                }
                sb.append(m.replaceAll("\\s+", " ").trim());
            }
            t = t.getCause();
        }
        return Secrets.scrub(sb.isEmpty() ? e.getClass().getName() : sb.toString());
    }
}
