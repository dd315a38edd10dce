package dev.caravan.admin;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.catalog.Cost;
import dev.caravan.ledger.SpendReport;

/** The spend report as CSV (RFC 4180): one header line, one line per group, exact decimal amounts. */
final class SpendCsv {

    private SpendCsv() {
    }

    static String write(SpendReport r) {
        StringBuilder sb = new StringBuilder();
        List<String> header = new ArrayList<>(r.by());
        header.addAll(AdminSpendApi.MEASURES);
        line(sb, header);
        List<SpendReport.Line> lines = r.by().isEmpty() ? List.of(r.total()) : r.rows();
        for (SpendReport.Line l : lines) {
            List<String> cells = new ArrayList<>();
            for (String g : r.by()) {
                cells.add(l.group().get(g));
            }
            cells.add(Long.toString(l.requests()));
            cells.add(Cost.plain(l.costUsd()));
            cells.add(Long.toString(l.unknownCost()));
            cells.add(Cost.plain(l.savedUsd()));
            cells.add(Long.toString(l.promptTokens()));
            cells.add(Long.toString(l.completionTokens()));
            cells.add(Long.toString(l.cacheHits()));
            cells.add(Long.toString(l.errors()));
            line(sb, cells);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String c = cells.get(i) == null ? "" : cells.get(i);
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(c);
            }
        }
        sb.append("\r\n");
    }
}
