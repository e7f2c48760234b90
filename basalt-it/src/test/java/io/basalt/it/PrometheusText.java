package io.basalt.it;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads samples out of a brick's {@code /metrics} page (the Prometheus text format). */
final class PrometheusText {
    /** {@code name{labels} value [timestamp]}; the labels part is optional. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)(\\s+\\S+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private PrometheusText() {
    }

    /**
     * The sum of every sample of metric {@code name} whose labels include all of {@code labels}, as a
     * counter summed over its other labels; 0 when there is none (a counter not yet incremented may not
     * be shown at all).
     */
    static long sum(String page, String name, Map<String, String> labels) {
        double total = 0;
        for (String line : page.split("\n")) {
            Matcher m = SAMPLE.matcher(line.strip());
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            if (labelsOf(m.group(3)).entrySet().containsAll(labels.entrySet())) {
                total += Double.parseDouble(m.group(4));
            }
        }
        return Math.round(total);
    }

    private static Map<String, String> labelsOf(String text) {
        Map<String, String> labels = new HashMap<>();
        if (text != null) {
            Matcher m = LABEL.matcher(text);
            while (m.find()) {
                labels.put(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        }
        return labels;
    }
}
