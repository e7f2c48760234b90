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
     * Which engine pool the brick's volumes live in (its pool ID), recorded when the pool first
     * opens: a data dir then never adopts, nor cleans up, another data dir's pool. Local only.
     */
    public static final String POOL = "pool";
    /** A cluster's identity (subsystem NQN, serial): {@code cluster}. Absent on a single brick. */
    public static final String CLUSTER = "cluster";
    /** Cluster members, kept while they are members: {@code bricks/NAME}. */
    public static final String BRICKS = "bricks/";
    /** Heartbeats, bound to each brick's lease: {@code alive/NAME} exists while the brick is alive. */
    public static final String ALIVE = "alive/";
    /** Which brick holds which slot (its controller-ID range): {@code brick-slots/N}. */
    public static final String BRICK_SLOTS = "brick-slots/";
    /** A cluster's snapshots, as asked for and as taken: {@code snapshots/VOLUME/SNAPSHOT}. */
    public static final String SNAPSHOTS = "snapshots/";
    /** The election whose winner is the cluster leader. */
    public static final String LEADER_ELECTION = "leader";
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

    public static String snapshot(String volume, String snapshot) {
        return SNAPSHOTS + requireSegment(volume) + "/" + requireSegment(snapshot);
    }

    public static String brick(String name) {
        return BRICKS + requireSegment(name);
    }

    public static String alive(String name) {
        return ALIVE + requireSegment(name);
    }

    public static String brickSlot(int slot) {
        return BRICK_SLOTS + slot;
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
