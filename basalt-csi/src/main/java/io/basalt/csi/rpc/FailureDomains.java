package io.basalt.csi.rpc;

import csi.v1.Topology;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The topology segments that name failure domains: {@code failure-domain.basalt.io/KEY = VALUE} is
 * the failure-domain label {@code KEY=VALUE} that bricks carry ({@code serve --failure-domain}) and
 * nodes report ({@code basalt csi --failure-domain}). A segment says where something <em>is</em>, not
 * what it can reach: every node reaches every brick over NVMe/TCP, so these segments steer where a
 * volume's data is placed and never limit which nodes may use it ({@link Zone} does that).
 *
 * <p>A prefix of its own, not {@code topology.basalt.io/}: a brick's domain key may well be
 * {@code zone}, and {@link Zone#KEY} already means the zone whose nodes reach the bricks.
 */
public final class FailureDomains {
    public static final String PREFIX = "failure-domain.basalt.io/";
    /** A Kubernetes label's name (after the prefix) and value: the kubelet refuses other node labels. */
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");

    private FailureDomains() {
    }

    /** The segments for failure-domain labels. */
    public static Map<String, String> segments(Map<String, String> labels) {
        Map<String, String> out = new TreeMap<>();
        labels.forEach((k, v) -> out.put(PREFIX + k, v));
        return out;
    }

    /** The failure-domain labels a topology names (its other segments left out). */
    public static Map<String, String> of(Topology t) {
        Map<String, String> out = new TreeMap<>();
        t.getSegmentsMap().forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                out.put(k.substring(PREFIX.length()), v);
            }
        });
        return out;
    }

    /** Why {@code KEY=VALUE} cannot be a node's failure domain, or null when it can. */
    public static String invalid(String key, String value) {
        if (!LABEL.matcher(key).matches() || !LABEL.matcher(value).matches()) {
            return "a failure domain's key and value must be 1-63 letters, digits, '.', '_' or '-', starting and "
                    + "ending with a letter or digit (Kubernetes labels): '" + key + "=" + value + "'";
        }
        return null;
    }
}
