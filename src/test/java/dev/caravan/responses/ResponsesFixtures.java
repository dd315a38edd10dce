package dev.caravan.responses;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;

/**
 * The recorded cases under fixtures/responses/&lt;case&gt;/: request.json (client in), upstream-request.json (what
 * the provider must receive), upstream-response.json|.sse (the provider's reply), expected.json|.sse (what the
 * client must get). Ids Caravan generates (resp_, msg_, fc_, rs_ + 48 hex digits) and created_at are replaced by
 * stable placeholders before comparing, consistently within one case.
 */
final class ResponsesFixtures {

    static final Path DIR = Path.of("src/test/resources/fixtures/responses");
    private static final Pattern GENERATED = Pattern.compile("(resp|msg|fc|rs)_[0-9a-f]{48}");

    private final Map<String, String> ids = new HashMap<>();

    static String read(String c, String file) {
        try {
            return Files.readString(DIR.resolve(c).resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean exists(String c, String file) {
        return Files.exists(DIR.resolve(c).resolve(file));
    }

    /** SSE text → its events, each framed exactly as sent. */
    static List<String> events(String sse) {
        List<String> out = new ArrayList<>();
        for (String e : sse.split("\n\n")) {
            if (!e.isBlank()) {
                out.add(e + "\n\n");
            }
        }
        return out;
    }

    /** A JSON tree with generated ids and times replaced. */
    JsonNode normalize(JsonNode n) {
        JsonNode copy = n.deepCopy();
        walk(copy);
        return copy;
    }

    /** An SSE stream as "event\njson" strings, normalized. */
    List<String> normalizeSse(String sse) {
        List<String> out = new ArrayList<>();
        for (String e : events(sse)) {
            String name = null;
            String data = null;
            for (String line : e.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            try {
                out.add(name + "\n" + Json.MAPPER.writeValueAsString(normalize(Json.MAPPER.readTree(data))));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }
        return out;
    }

    private void walk(JsonNode n) {
        if (n instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            List<String> names = new ArrayList<>();
            it.forEachRemaining(e -> names.add(e.getKey()));
            for (String f : names) {
                JsonNode v = o.get(f);
                if (f.equals("created_at") && v.isNumber()) {
                    o.put(f, 0);
                } else if (v.isTextual() && GENERATED.matcher(v.asText()).matches()) {
                    String prefix = v.asText().substring(0, v.asText().indexOf('_'));
                    o.put(f, ids.computeIfAbsent(v.asText(), k -> prefix + "_" + (ids.size() + 1)));
                } else {
                    walk(v);
                }
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(this::walk);
        }
    }

    /** Writes a missing expected file when recording is switched on (-Dcaravan.fixtures.record=true). */
    static boolean record(String c, String file, String content) {
        if (!Boolean.getBoolean("caravan.fixtures.record") || exists(c, file)) {
            return false;
        }
        try {
            Files.writeString(DIR.resolve(c).resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }
}
