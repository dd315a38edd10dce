package dev.caravan.catalog;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads one model of the genai-prices data format (pydantic/genai-prices, one YAML file per provider) into a
 * catalog entry. Their price fields map to ours ({@code input_mtok} → input, {@code cache_read_mtok} → cache_read,
 * {@code output_reasoning_mtok} → reasoning, {@code requests_kcount} → per_thousand_requests, ...); tiered fields
 * become {@link ModelInfo.Tier}s, {@code start_date} constraints price changes and {@code start_time/end_time}
 * constraints time windows. A field the source leaves out is filled the way the provider bills it (see
 * {@link Rates#completed()}), so every generated rate set is complete.
 */
final class GenaiPrices {

    /** genai-prices field → our field. Other fields (images, video, web searches) are not billed per token. */
    static final Map<String, String> FIELDS = Map.of("input_mtok", "input", "output_mtok", "output",
            "cache_read_mtok", "cache_read", "cache_write_mtok", "cache_write", "output_reasoning_mtok", "reasoning",
            "input_audio_mtok", "input_audio", "output_audio_mtok", "output_audio",
            "requests_kcount", "per_thousand_requests");

    /** Price fields that reveal a capability. */
    static final Map<String, String> CAPABILITY_FIELDS = Map.of("cache_read_mtok", "prompt_caching",
            "cache_write_mtok", "prompt_caching", "input_audio_mtok", "audio_input", "output_audio_mtok",
            "audio_output", "input_image_mtok", "image_input", "output_image_mtok", "image_output",
            "web_searches_kcount", "web_search", "output_reasoning_mtok", "reasoning");

    private static final List<String> CLAUSES = List.of("equals", "starts_with", "ends_with", "contains", "regex");

    private GenaiPrices() {
    }

    /** The rates and tiers of one price set of the source. */
    record PriceSet(Rates rates, List<ModelInfo.Tier> tiers) {
    }

    static ModelInfo model(String provider, JsonNode m, String source, String snapshotDate) {
        JsonNode prices = m.path("prices");
        PriceSet base = null;
        List<ModelInfo.PriceChange> changes = new ArrayList<>();
        List<ModelInfo.TimeWindow> windows = new ArrayList<>();
        TreeSet<String> caps = new TreeSet<>();
        List<JsonNode> sets = new ArrayList<>();
        if (prices.isArray()) {
            prices.forEach(sets::add);
        } else {
            sets.add(dev.caravan.api.Json.NODES.objectNode().set("prices", prices));
        }
        for (JsonNode item : sets) {
            PriceSet ps = priceSet(item.path("prices"), caps);
            JsonNode c = item.get("constraint");
            if (c == null) {
                base = base == null ? ps : base;
            } else if (c.has("start_date")) {
                changes.add(new ModelInfo.PriceChange(LocalDate.parse(c.get("start_date").asText()), ps.rates(),
                        ps.tiers()));
            } else if (c.has("start_time")) {
                windows.add(new ModelInfo.TimeWindow(time(c.get("start_time")), time(c.get("end_time")),
                        ps.rates()));
            }
        }
        if (base == null) {
            base = priceSet(null, caps);
        }
        String asOf = m.hasNonNull("prices_checked") ? m.get("prices_checked").asText() : snapshotDate;
        boolean deprecated = m.path("deprecated").asBoolean(false) || m.path("removed").asBoolean(false);
        return new ModelInfo(provider, m.path("id").asText(), m.hasNonNull("name") ? m.get("name").asText() : null,
                match(m.path("match")), m.hasNonNull("context_window") ? m.get("context_window").asInt() : null, null,
                List.copyOf(caps), base.rates(), base.tiers(), changes, windows, null, deprecated ? true : null,
                source, asOf);
    }

    private static LocalTime time(JsonNode n) {
        String t = n.asText();
        return LocalTime.parse(t.endsWith("Z") ? t.substring(0, t.length() - 1) : t);
    }

    /** One price set: scalar fields into the base rates, tiered fields into full rate sets per threshold. */
    static PriceSet priceSet(JsonNode p, TreeSet<String> caps) {
        Map<String, BigDecimal> base = new LinkedHashMap<>();
        Map<String, List<Long>> tierStarts = new LinkedHashMap<>();
        Map<String, List<BigDecimal>> tierPrices = new LinkedHashMap<>();
        TreeSet<Long> thresholds = new TreeSet<>();
        if (p != null && p.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> f = it.next();
                if (CAPABILITY_FIELDS.containsKey(f.getKey())) {
                    caps.add(CAPABILITY_FIELDS.get(f.getKey()));
                }
                String ours = FIELDS.get(f.getKey());
                if (ours == null) {
                    continue;
                }
                JsonNode v = f.getValue();
                if (v.isNumber()) {
                    base.put(ours, v.decimalValue());
                    continue;
                }
                base.put(ours, v.path("base").decimalValue());
                for (JsonNode t : v.path("tiers")) {
                    long start = t.path("start").asLong();
                    thresholds.add(start);
                    tierStarts.computeIfAbsent(ours, k -> new ArrayList<>()).add(start);
                    tierPrices.computeIfAbsent(ours, k -> new ArrayList<>()).add(t.path("price").decimalValue());
                }
            }
        }
        List<ModelInfo.Tier> tiers = new ArrayList<>();
        for (long threshold : thresholds) {
            Map<String, BigDecimal> at = new LinkedHashMap<>(base);
            tierStarts.forEach((field, starts) -> {
                for (int i = 0; i < starts.size(); i++) {
                    if (starts.get(i) <= threshold) {
                        at.put(field, tierPrices.get(field).get(i));
                    }
                }
            });
            tiers.add(new ModelInfo.Tier(threshold, rates(at)));
        }
        return new PriceSet(rates(base), tiers);
    }

    private static Rates rates(Map<String, BigDecimal> f) {
        return new Rates(f.get("input"), f.get("output"), f.get("cache_read"), f.get("cache_write"),
                f.get("reasoning"), f.get("input_audio"), f.get("output_audio"), f.get("per_thousand_requests"))
                .completed();
    }

    /** The source's match tree (equals / starts_with / contains / regex, nested in or) as flat lists. */
    static Match match(JsonNode m) {
        List<String> eq = new ArrayList<>();
        List<String> sw = new ArrayList<>();
        List<String> ew = new ArrayList<>();
        List<String> ct = new ArrayList<>();
        List<String> rx = new ArrayList<>();
        collect(m, List.of(eq, sw, ew, ct, rx));
        return new Match(eq, sw, ew, ct, rx);
    }

    /** Lists in the order equals, starts_with, ends_with, contains, regex. */
    private static void collect(JsonNode m, List<List<String>> lists) {
        if (m == null || m.isMissingNode()) {
            return;
        }
        if (m.isArray()) {
            m.forEach(c -> collect(c, lists));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> f = it.next();
            int i = CLAUSES.indexOf(f.getKey());
            if (f.getKey().equals("or")) {
                collect(f.getValue(), lists);
            } else if (i >= 0) {
                lists.get(i).add(f.getValue().asText());
            } else {
                throw new IllegalArgumentException("unsupported match clause '" + f.getKey() + "'");
            }
        }
    }
}
