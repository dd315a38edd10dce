package dev.caravan.provider.openai;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.api.Json;
import dev.caravan.provider.ModelPatterns;

/**
 * The differences of one OpenAI-compatible provider, declared as template parameters in a route file (no Java
 * per provider). Each rule is data; {@link OpenAiRequestTranslator} and {@link OpenAiStreamTranslator} apply them.
 *
 * <pre>
 * dropParams:    [modelGlob,modelGlob:]param,param;...   e.g. "grok-4*:stop,presence_penalty;logit_bias"
 *                ("messages[].name" drops the name of every message)
 * renameParams:  from=to,...                              e.g. "seed=random_seed"
 * mapValues:     param:from=to,from=to;...                e.g. "tool_choice:required=any"
 * setParams:     a JSON object merged into every request  e.g. {"context_length_exceeded_behavior":"error"}
 * roleMap:       from=to,...                              e.g. "developer=system"
 * finishReasons: from=to,... added to the built-in table  e.g. "eos=stop"
 * </pre>
 */
public final class OpenAiQuirks {

    /** finish_reason values typed OpenAI clients understand. */
    static final java.util.Set<String> STANDARD_FINISH = java.util.Set.of("stop", "length", "tool_calls",
            "content_filter", "function_call");

    /** Non-standard finish reasons seen from OpenAI-compatible providers (wire-formats.md section 4). */
    private static final Map<String, String> FINISH_DEFAULTS = Map.of("eos", "stop", "model_length", "length",
            "insufficient_system_resource", "stop", "end_turn", "stop", "max_tokens", "length", "tool_use",
            "tool_calls", "error", "stop");

    /** Drop {@code params} for models matching {@code models} (all models when there is no model list). */
    record DropRule(ModelPatterns models, boolean allModels, List<String> params) {
        boolean applies(String model) {
            return allModels || models.matches(model);
        }
    }

    final List<DropRule> drops;
    final Map<String, String> renames;
    final Map<String, Map<String, String>> valueMaps;
    final ObjectNode setParams;
    final Map<String, String> roles;
    final Map<String, String> finishReasons;
    final boolean alnum9ToolIds;
    final boolean assistantPrefix;
    final boolean streamUsage;

    OpenAiQuirks(String dropParams, String renameParams, String mapValues, String setParams, String roleMap,
            String finishReasons, String toolCallIds, boolean assistantPrefix, boolean streamUsage) {
        this.drops = parseDrops(dropParams);
        this.renames = pairs(renameParams, ",");
        this.valueMaps = parseValueMaps(mapValues);
        this.setParams = parseObject(setParams);
        this.roles = pairs(roleMap, ",");
        Map<String, String> f = new HashMap<>(FINISH_DEFAULTS);
        f.putAll(pairs(finishReasons, ","));
        this.finishReasons = Map.copyOf(f);
        this.alnum9ToolIds = "alnum9".equalsIgnoreCase(blankToNull(toolCallIds));
        this.assistantPrefix = assistantPrefix;
        this.streamUsage = streamUsage;
    }

    /** Maps a finish reason to one typed clients accept; unknown values become {@code stop}. */
    String finishReason(String raw) {
        if (raw == null || STANDARD_FINISH.contains(raw)) {
            return raw;
        }
        return finishReasons.getOrDefault(raw, "stop");
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    static Map<String, String> pairs(String spec, String sep) {
        Map<String, String> out = new LinkedHashMap<>();
        if (blankToNull(spec) == null) {
            return out;
        }
        for (String item : spec.split(sep)) {
            int eq = item.indexOf('=');
            if (eq > 0) {
                out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
            } else if (!item.isBlank()) {
                throw new IllegalArgumentException("expected from=to, got '" + item.trim() + "'");
            }
        }
        return out;
    }

    private static List<DropRule> parseDrops(String spec) {
        List<DropRule> out = new ArrayList<>();
        if (blankToNull(spec) == null) {
            return out;
        }
        for (String rule : spec.split(";")) {
            if (rule.isBlank()) {
                continue;
            }
            int colon = rule.indexOf(':');
            ModelPatterns models = ModelPatterns.parse(colon >= 0 ? rule.substring(0, colon) : null);
            String params = colon >= 0 ? rule.substring(colon + 1) : rule;
            List<String> ps = new ArrayList<>();
            for (String p : params.split(",")) {
                if (!p.isBlank()) {
                    ps.add(p.trim());
                }
            }
            out.add(new DropRule(models, colon < 0, ps));
        }
        return out;
    }

    private static Map<String, Map<String, String>> parseValueMaps(String spec) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (blankToNull(spec) == null) {
            return out;
        }
        for (String rule : spec.split(";")) {
            int colon = rule.indexOf(':');
            if (colon <= 0) {
                if (!rule.isBlank()) {
                    throw new IllegalArgumentException("expected param:from=to, got '" + rule.trim() + "'");
                }
                continue;
            }
            out.put(rule.substring(0, colon).trim(), pairs(rule.substring(colon + 1), ","));
        }
        return out;
    }

    private static ObjectNode parseObject(String json) {
        if (blankToNull(json) == null) {
            return null;
        }
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("setParams must be a JSON object: " + e.getMessage());
        }
    }
}
