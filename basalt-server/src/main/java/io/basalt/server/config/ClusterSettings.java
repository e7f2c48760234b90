package io.basalt.server.config;

import io.basalt.control.volume.ConfigException;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * How a brick joins a cluster ({@code --cluster-etcd} and friends); null in {@link ServeConfig} for a
 * brick on its own.
 *
 * @param etcd           etcd members' client URLs
 * @param clusterName    names the cluster's keys in etcd ({@code /basalt/NAME/}), so clusters can share an etcd
 * @param brickName      this brick's name in the cluster, unique and fixed for its life
 * @param failureDomains labels placement keeps replicas apart by ({@code rack=r1})
 * @param advertise      HOST:PORT hosts and other bricks reach this brick's NVMe/TCP port at; null: the
 *                       listen address (refused when that is a wildcard)
 * @param leaseTtl       heartbeat lease: a brick silent this long is unreachable, a leader this long
 *                       silent is replaced
 * @param failedAfter    how long a brick may stay unreachable before the leader marks it failed
 * @param replicationListen where the brick listens for the writes primaries on other bricks replicate
 *                       to it (other bricks reach it at the advertised host and this port)
 */
public record ClusterSettings(List<URI> etcd, String clusterName, String brickName, Map<String, String> failureDomains,
                              InetSocketAddress advertise, Duration leaseTtl, Duration failedAfter,
                              InetSocketAddress replicationListen) {
    public static final String ETCD_KEY = "cluster-etcd";
    public static final String CLUSTER_NAME_KEY = "cluster-name";
    public static final String BRICK_NAME_KEY = "brick-name";
    public static final String FAILURE_DOMAIN_KEY = "failure-domain";
    public static final String ADVERTISE_KEY = "advertise";
    public static final String LEASE_TTL_KEY = "cluster-lease-ttl";
    public static final String FAILED_AFTER_KEY = "cluster-failed-after";
    public static final String REPLICATION_LISTEN_KEY = "replication-listen";
    public static final Set<String> KEYS = Set.of(ETCD_KEY, CLUSTER_NAME_KEY, BRICK_NAME_KEY, FAILURE_DOMAIN_KEY,
            ADVERTISE_KEY, LEASE_TTL_KEY, FAILED_AFTER_KEY, REPLICATION_LISTEN_KEY);
    /** The replication port when {@value #REPLICATION_LISTEN_KEY} is not given (and the NVMe port is not 0). */
    public static final int REPLICATION_PORT_DEFAULT = 4421;
    public static final String CLUSTER_NAME_DEFAULT = "basalt";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");
    public static final Duration LEASE_TTL_DEFAULT = Duration.ofSeconds(3);
    public static final Duration FAILED_AFTER_DEFAULT = Duration.ofHours(1);

    public ClusterSettings {
        etcd = List.copyOf(etcd);
        Objects.requireNonNull(clusterName);
        Objects.requireNonNull(brickName);
        failureDomains = Map.copyOf(failureDomains);
        Objects.requireNonNull(leaseTtl);
        Objects.requireNonNull(failedAfter);
        Objects.requireNonNull(replicationListen);
    }

    /** Settings whose replication listens on the advertised host, any free port (tests). */
    public ClusterSettings(List<URI> etcd, String clusterName, String brickName, Map<String, String> failureDomains,
                           InetSocketAddress advertise, Duration leaseTtl, Duration failedAfter) {
        this(etcd, clusterName, brickName, failureDomains, advertise, leaseTtl, failedAfter,
                new InetSocketAddress(advertise.getHostString(), 0));
    }

    /**
     * The cluster settings from flags over the config file (by key); null when {@value #ETCD_KEY} is
     * not given: the brick runs on its own. {@value #FAILURE_DOMAIN_KEY} is {@code KEY=VALUE[,KEY=VALUE]}.
     */
    public static ClusterSettings resolve(Map<String, String> file, Map<String, String> flags, InetSocketAddress listen) {
        String etcd = pick(ETCD_KEY, flags, file);
        if (etcd == null) {
            for (String key : KEYS) {
                if (pick(key, flags, file) != null) {
                    throw new ConfigException(key + ": only for a brick in a cluster; give " + ETCD_KEY + " too");
                }
            }
            return null;
        }
        String brick = pick(BRICK_NAME_KEY, flags, file);
        if (brick == null) {
            throw new ConfigException(BRICK_NAME_KEY + ": required with " + ETCD_KEY
                    + " (a name unique in the cluster, kept for the brick's life)");
        }
        String cluster = Objects.requireNonNullElse(pick(CLUSTER_NAME_KEY, flags, file), CLUSTER_NAME_DEFAULT);
        for (String[] named : new String[][] {{BRICK_NAME_KEY, brick}, {CLUSTER_NAME_KEY, cluster}}) {
            if (!NAME.matcher(named[1]).matches()) {
                throw new ConfigException(named[0] + ": '" + named[1] + "' must be 1-63 letters, digits, '.', '_' "
                        + "or '-', starting with a letter or digit");
            }
        }
        String advertise = pick(ADVERTISE_KEY, flags, file);
        InetSocketAddress at = advertise == null ? listen : HostPort.parse(advertise);
        if (at.getAddress() != null && at.getAddress().isAnyLocalAddress()) {
            throw new ConfigException(ADVERTISE_KEY + ": the brick listens on " + HostPort.format(listen)
                    + "; give the address hosts reach it at (--advertise HOST:PORT)");
        }
        String ttl = pick(LEASE_TTL_KEY, flags, file);
        String failed = pick(FAILED_AFTER_KEY, flags, file);
        Duration leaseTtl = ttl == null ? LEASE_TTL_DEFAULT : duration(LEASE_TTL_KEY, ttl);
        if (leaseTtl.compareTo(Duration.ofSeconds(2)) < 0 || leaseTtl.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException(LEASE_TTL_KEY + ": must be between 2s and 60s, got " + ttl);
        }
        String replication = pick(REPLICATION_LISTEN_KEY, flags, file);
        InetSocketAddress replicationAt = replication != null ? HostPort.parse(replication)
                : new InetSocketAddress(listen.getHostString(), listen.getPort() == 0 ? 0 : REPLICATION_PORT_DEFAULT);
        return new ClusterSettings(endpoints(etcd), cluster, brick, domains(pick(FAILURE_DOMAIN_KEY, flags, file)), at,
                leaseTtl, failed == null ? FAILED_AFTER_DEFAULT : duration(FAILED_AFTER_KEY, failed), replicationAt);
    }

    private static List<URI> endpoints(String list) {
        List<URI> out = new ArrayList<>();
        for (String s : list.split(",")) {
            try {
                URI u = new URI(s.trim());
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null
                        || u.getPort() < 0) {
                    throw new URISyntaxException(s, "expected http://HOST:PORT");
                }
                out.add(u);
            } catch (URISyntaxException e) {
                throw new ConfigException(ETCD_KEY + ": '" + s.trim() + "' is not an etcd client URL such as "
                        + "http://127.0.0.1:2379");
            }
        }
        return out;
    }

    /** {@code rack=r1,zone=a} as a map; empty for null. */
    static Map<String, String> domains(String text) {
        Map<String, String> out = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? "" : pair.substring(0, eq).trim();
            String value = eq < 0 ? "" : pair.substring(eq + 1).trim();
            if (!NAME.matcher(key).matches() || !NAME.matcher(value).matches()) {
                throw new ConfigException(FAILURE_DOMAIN_KEY + ": expected KEY=VALUE (letters, digits, '.', '_', "
                        + "'-'), got '" + pair.trim() + "'");
            }
            if (out.put(key, value) != null) {
                throw new ConfigException(FAILURE_DOMAIN_KEY + ": " + key + " given twice");
            }
        }
        return out;
    }

    static Duration duration(String key, String text) {
        var m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigException(key + ": expected a duration such as 5s, 500ms, 10m or 1h, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static String pick(String key, Map<String, String> flags, Map<String, String> file) {
        String v = flags.get(key);
        return v != null ? v : file.get(key);
    }
}
