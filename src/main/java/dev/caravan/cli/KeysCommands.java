package dev.caravan.cli;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.caravan.api.Json;

/** {@code caravan keys create|list|get|update|revoke}. */
@Command(name = "keys", description = "Manage virtual keys.", mixinStandardHelpOptions = true,
        subcommands = {KeysCommands.Create.class, KeysCommands.ListKeys.class, KeysCommands.Get.class,
            KeysCommands.Update.class, KeysCommands.Revoke.class})
final class KeysCommands implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by create and update; "none" clears a limit on update. */
    static class Fields {
        @Option(names = "--name", description = "A name for people.")
        String name;
        @Option(names = "--tenant", description = "Tenant the key's spending is charged to.")
        String tenant;
        @Option(names = "--budget", description = "USD per calendar period (UTC): 50/month, 5/day, 20/week; none.")
        String budget;
        @Option(names = "--rpm", description = "Requests per minute; none.")
        String rpm;
        @Option(names = "--tpm", description = "Tokens per minute; none.")
        String tpm;
        @Option(names = "--models", split = ",", description = "Allowed models, globs: openai/*,anthropic/*; none.")
        List<String> models;
        @Option(names = "--label", description = "A label key=value (repeatable), e.g. env=prod.")
        Map<String, String> labels;
        @Option(names = "--expires", description = "ISO date or instant, or a duration from now: 30d, 12h; none.")
        String expires;
        @Option(names = "--allow-tenant-override", arity = "0..1", fallbackValue = "true",
                description = "Requests may name their tenant (x-caravan-tenant, metadata.tenant).")
        Boolean allowTenantOverride;
        @Option(names = "--allow-tags", arity = "0..1", fallbackValue = "true",
                description = "Requests may carry x-caravan-tags.")
        Boolean allowTags;
        @Option(names = "--cache", arity = "0..1", fallbackValue = "true",
                description = "Use the response cache for this key's non-stream requests.")
        Boolean cache;
        @Option(names = "--trace-content", arity = "0..1", fallbackValue = "true",
                description = "Record this key's prompts and completions, redacted, on its OpenTelemetry spans.")
        Boolean traceContent;

        ObjectNode body() {
            ObjectNode b = Json.NODES.objectNode();
            if (name != null) {
                b.put("name", name);
            }
            if (tenant != null) {
                b.put("tenant", tenant);
            }
            text(b, "budget", budget);
            number(b, "rpm", rpm);
            number(b, "tpm", tpm);
            if (models != null) {
                if (models.size() == 1 && models.get(0).equals("none")) {
                    b.putNull("models");
                } else {
                    models.forEach(b.putArray("models")::add);
                }
            }
            if (labels != null) {
                ObjectNode l = b.putObject("labels");
                labels.forEach(l::put);
            }
            if (expires != null) {
                text(b, "expires_at", expires.matches("\\d+[dh]") ? Instant.now().plus(duration(expires)).toString()
                        : expires);
            }
            flag(b, "allow_tenant_override", allowTenantOverride);
            flag(b, "allow_tags", allowTags);
            flag(b, "cache", cache);
            flag(b, "trace_content", traceContent);
            return b;
        }

        private static Duration duration(String s) {
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return s.endsWith("d") ? Duration.ofDays(n) : Duration.ofHours(n);
        }

        private static void text(ObjectNode b, String f, String v) {
            if (v != null) {
                if (v.equals("none")) {
                    b.putNull(f);
                } else {
                    b.put(f, v);
                }
            }
        }

        private static void number(ObjectNode b, String f, String v) {
            if (v == null) {
                return;
            }
            if (v.equals("none")) {
                b.putNull(f);
                return;
            }
            try {
                b.put(f, Integer.parseInt(v));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + f + " must be a whole number or none, not '" + v + "'");
            }
        }

        private static void flag(ObjectNode b, String f, Boolean v) {
            if (v != null) {
                b.put(f, v);
            }
        }
    }

    abstract static class Base implements Callable<Integer> {
        @Mixin
        CaravanCli.Connection conn;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        int show(JsonNode key) {
            if (conn.json) {
                out().println(AdminClient.pretty(key));
            } else {
                KeyTables.detail(key, out());
            }
            return 0;
        }
    }

    @Command(name = "create", description = "Create a key; it is printed once and never shown again.",
            mixinStandardHelpOptions = true)
    static final class Create extends Base {
        @Mixin
        Fields fields;

        @Override
        public Integer call() {
            JsonNode k = conn.client().send("POST", "/admin/keys", fields.body());
            if (conn.json) {
                out().println(AdminClient.pretty(k));
                return 0;
            }
            out().println("Key created. Copy it now, it is not shown again:");
            out().println();
            out().println("  " + k.path("key").asText());
            out().println();
            return show(k);
        }
    }

    @Command(name = "list", description = "List keys.", mixinStandardHelpOptions = true)
    static final class ListKeys extends Base {
        @Option(names = "--tenant", description = "Only this tenant's keys.")
        String tenant;
        @Option(names = "--all", description = "Include revoked keys.")
        boolean all;

        @Override
        public Integer call() {
            StringBuilder q = new StringBuilder("/admin/keys?include_revoked=").append(all);
            if (tenant != null) {
                q.append("&tenant=").append(URLEncoder.encode(tenant, StandardCharsets.UTF_8));
            }
            JsonNode list = conn.client().get(q.toString());
            if (conn.json) {
                out().println(AdminClient.pretty(list));
            } else {
                KeyTables.list(list.path("data"), out());
            }
            return 0;
        }
    }

    @Command(name = "get", description = "Show one key and its budget's spend.", mixinStandardHelpOptions = true)
    static final class Get extends Base {
        @Parameters(paramLabel = "KEY_ID")
        String id;

        @Override
        public Integer call() {
            return show(conn.client().get("/admin/keys/" + id));
        }
    }

    @Command(name = "update", description = "Change a key; applies to its next request.",
            mixinStandardHelpOptions = true)
    static final class Update extends Base {
        @Parameters(paramLabel = "KEY_ID")
        String id;
        @Mixin
        Fields fields;

        @Override
        public Integer call() {
            ObjectNode body = fields.body();
            if (body.isEmpty()) {
                throw new IllegalArgumentException("nothing to update: give at least one option (see --help)");
            }
            return show(conn.client().send("PATCH", "/admin/keys/" + id, body));
        }
    }

    @Command(name = "revoke", description = "Revoke a key; its next request is refused.",
            mixinStandardHelpOptions = true)
    static final class Revoke extends Base {
        @Parameters(paramLabel = "KEY_ID")
        String id;

        @Override
        public Integer call() {
            return show(conn.client().send("DELETE", "/admin/keys/" + id, null));
        }
    }
}
