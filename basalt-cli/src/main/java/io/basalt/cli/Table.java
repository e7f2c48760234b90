package io.basalt.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.basalt.units.Sizes;

import java.io.PrintWriter;
import java.util.List;

/** Plain aligned text tables, the CLI's default output (and the serve banner's volume list). */
public final class Table {
    private Table() {
    }

    static void print(PrintWriter out, List<String> headers, List<List<String>> rows) {
        out.print(format("", headers, rows));
    }

    /** The header and rows, each line after {@code indent}, each column as wide as its longest cell. */
    public static String format(String indent, List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
            for (List<String> r : rows) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        StringBuilder b = new StringBuilder();
        line(b, indent, headers, widths);
        rows.forEach(r -> line(b, indent, r, widths));
        return b.toString();
    }

    private static void line(StringBuilder b, String indent, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder(indent);
        for (int i = 0; i < cells.size(); i++) {
            line.append(cells.get(i));
            if (i < cells.size() - 1) {
                line.append(" ".repeat(widths[i] - cells.get(i).length() + 2));
            }
        }
        b.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }

    /** A size as compact as the CLI takes it: 4MiB, 1536MiB, 512B. */
    static String size(long bytes) {
        return Sizes.format(bytes).replace(" bytes", "B").replace(" ", "");
    }

    /** A field's text: dotted paths for nested fields, arrays joined with commas, sizes in binary units. */
    static String cell(JsonNode row, String field) {
        JsonNode n = row;
        for (String part : field.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        if (n == null || n.isNull()) {
            return "-";
        }
        if (n.isArray()) {
            List<String> items = new java.util.ArrayList<>();
            n.forEach(i -> items.add(i.isObject() && i.has("hostNqn") ? i.get("hostNqn").asText() : i.asText()));
            return items.isEmpty() ? "-" : String.join(",", items);
        }
        if (n.isObject()) {
            return ApiOptions.compact(n);
        }
        if (field.endsWith("Bytes") && n.isNumber()) {
            return size(n.asLong());
        }
        return n.asText();
    }
}
