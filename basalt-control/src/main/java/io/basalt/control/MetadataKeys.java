package io.basalt.control;

/**
 * The keys the control plane records, one prefix per kind. Every segment of a key is usable as a
 * file name (not empty, no '/', not starting with '.'), so the local store can keep each entry in
 * a file of its own and an etcd store can use the key as is.
 */
public final class MetadataKeys {
    /** Volumes (and snapshots exported as namespaces), by name: {@code volumes/NAME}. */
    public static final String VOLUMES = "volumes/";
    /** Named QoS policies: {@code qos-policies/NAME}. */
    public static final String QOS_POLICIES = "qos-policies/";
    /** The NSID allocator's state: the last NSID issued. */
    public static final String NSIDS = "nsids";
    /**
     * Leader elections of a cluster, one candidate per key:
     * {@code elections/ELECTION/LEASE} (see {@code io.basalt.control.cluster.ClusterCoordination}).
     */
    public static final String ELECTIONS = "elections/";

    private MetadataKeys() {
    }

    public static String volume(String name) {
        return VOLUMES + requireSegment(name);
    }

    public static String qosPolicy(String name) {
        return QOS_POLICIES + requireSegment(name);
    }

    /** The last segment of a key: the name of the volume or policy it records. */
    public static String name(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    /** Whether {@code s} can be one segment of a key. */
    public static boolean isSegment(String s) {
        return !s.isEmpty() && !s.contains("/") && !s.startsWith(".");
    }

    private static String requireSegment(String name) {
        if (!isSegment(name)) {
            throw new IllegalArgumentException("invalid name " + name);
        }
        return name;
    }
}
