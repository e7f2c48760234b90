package io.basalt.control.etcd;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How a record's fields are stored in an etcd value: UTF-8 text, a version line, then one
 * {@code name=value} line per field, sorted by name, each line ending in {@code \n}:
 *
 * <pre>
 * basalt-record 1
 * hosts=any
 * name=db1
 * nsid=3
 * </pre>
 *
 * In names and values a backslash is written {@code \\}, a line feed {@code \n} and a carriage
 * return {@code \r}; in names an {@code =} is written {@code \=} (a value runs from the first
 * unescaped {@code =} to the end of the line, so it needs no more). Text that people can read with
 * {@code etcdctl get}, with no dependency, and a version line so that a later format is refused by
 * an older brick instead of misread.
 */
final class RecordCodec {
    static final String VERSION_LINE = "basalt-record 1";
    private static final String VERSION_PREFIX = "basalt-record ";

    private RecordCodec() {
    }

    static byte[] encode(Map<String, String> fields) {
        StringBuilder out = new StringBuilder(VERSION_LINE).append('\n');
        for (Map.Entry<String, String> f : new TreeMap<>(fields).entrySet()) {
            escape(f.getKey(), true, out);
            out.append('=');
            escape(f.getValue(), false, out);
            out.append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException the value is not a record of this version */
    static SortedMap<String, String> decode(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        String version = end < 0 ? text : text.substring(0, end);
        if (!version.equals(VERSION_LINE)) {
            throw new IllegalArgumentException(version.startsWith(VERSION_PREFIX)
                    ? "record format '" + version + "' is newer than this Basalt reads ('" + VERSION_LINE + "')"
                    : "not a Basalt record (first line '" + abbreviate(version) + "')");
        }
        SortedMap<String, String> fields = new TreeMap<>();
        int pos = end + 1;
        while (pos < text.length()) {
            int lineEnd = text.indexOf('\n', pos);
            if (lineEnd < 0) {
                throw new IllegalArgumentException("record truncated: last line has no end");
            }
            parseLine(text.substring(pos, lineEnd), fields);
            pos = lineEnd + 1;
        }
        return fields;
    }

    private static void parseLine(String line, Map<String, String> fields) {
        StringBuilder name = new StringBuilder();
        int i = 0;
        for (; i < line.length() && line.charAt(i) != '='; i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
                name.append(unescape(line, i));
            } else {
                name.append(c);
            }
        }
        if (i == line.length()) {
            throw new IllegalArgumentException("record line without '=': " + abbreviate(line));
        }
        StringBuilder value = new StringBuilder();
        for (i++; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
                value.append(unescape(line, i));
            } else {
                value.append(c);
            }
        }
        fields.put(name.toString(), value.toString());
    }

    private static char unescape(String line, int at) {
        if (at >= line.length()) {
            throw new IllegalArgumentException("record line ends in a lone backslash: " + abbreviate(line));
        }
        return switch (line.charAt(at)) {
            case '\\' -> '\\';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case '=' -> '=';
            default -> throw new IllegalArgumentException("unknown escape \\" + line.charAt(at) + " in " + abbreviate(line));
        };
    }

    private static void escape(String s, boolean name, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '=' -> out.append(name ? "\\=" : "=");
                default -> out.append(c);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
