package io.basalt.api.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * A volume as the API shows it.
 *
 * @param state          {@code online} (exported) or {@code offline} (kept in the data dir, not exported)
 * @param hosts          host NQNs allowed to see it, or {@code ["any"]}; empty: nobody
 * @param connectedHosts hosts connected now that can see it
 * @param readOnly       a snapshot exported to hosts write-protected (created with fromSnapshot and readOnly)
 * @param warnings       what the operator should know about the change this response answers (a create
 *                       or update that over-commits the engine pool); empty when nothing, and on reads
 * @param placement      in a cluster, where the volume's replicas live; absent on a single brick
 */
public record VolumeView(String name, String uuid, String nguid, int nsid, String state, long sizeBytes,
                         int blockSize, String backend, List<String> hosts, Map<String, String> labels,
                         String qosPolicy, Services services, Usage usage, Stats stats,
                         List<ConnectedHost> connectedHosts, String createdAt, boolean readOnly,
                         List<String> warnings,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Placement placement) {
    /** The same view with the cluster's placement added. */
    public VolumeView withPlacement(Placement p) {
        return new VolumeView(name, uuid, nguid, nsid, state, sizeBytes, blockSize, backend, hosts, labels, qosPolicy,
                services, usage, stats, connectedHosts, createdAt, readOnly, warnings, p);
    }

    /**
     * Where a cluster keeps the volume.
     *
     * @param primary  the brick serving hosts (its path is ANA optimized)
     * @param epoch    bumped on every change of primary
     * @param health   {@code healthy} (every replica in sync), {@code degraded} (some replica lacks
     *                 writes; the volume still serves) or {@code unavailable} (the primary's brick is not active)
     * @param replicas every brick with a replica, primary first
     * @param allowedDomains the failure-domain sets its replicas must stay in (a replacement too), as
     *                 created; absent when they may live anywhere
     */
    public record Placement(String primary, long epoch, String health, List<Replica> replicas,
                            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Map<String, String>> allowedDomains) {
    }

    /**
     * @param role       {@code primary} or {@code secondary}
     * @param brickState the brick's state: {@code active}, {@code unreachable} or {@code failed}
     * @param inSync     whether the replica holds every acknowledged write (only in-sync replicas can
     *                   become the primary)
     * @param resync     the resync that brings it back in sync, as its primary last ran it (shown by the
     *                   primary's brick only), or absent
     */
    public record Replica(String brick, String role, String brickState, boolean inSync,
                          @JsonInclude(JsonInclude.Include.NON_NULL) Resync resync) {
    }

    /**
     * @param state            {@code waiting} (for the replica to be reachable), {@code copying},
     *                         {@code finishing} (the last regions, with writes held), {@code done},
     *                         {@code failed} (retried), {@code cancelled}
     * @param regionsRemaining changed regions it still lacks
     * @param regionBytes      the size of a region
     * @param bytesCopied      bytes copied to it by this resync
     */
    public record Resync(String state, long regionsRemaining, int regionBytes, long bytesCopied) {
    }

    /** Inline data services, fixed at creation: compression {@code lz4|zstd|off}, encryption {@code aes-xts|off}. */
    public record Services(String compression, boolean dedup, String encryption) {
    }

    /**
     * Space use. Logical: bytes of the blocks hosts have written and not deallocated; physical: bytes
     * the volume's data occupies on the media (shared blocks counted in each volume that holds them).
     * compressionRatio: bytes before compression / after, of the blocks stored; dedupRatio: blocks
     * mapped / blocks stored. 1.0 for file and RAM volumes.
     */
    public record Usage(long logicalBytes, long physicalBytes, double compressionRatio, double dedupRatio) {
    }

    /** Counters since the brick started. */
    public record Stats(long readCommands, long writeCommands, long bytesRead, long bytesWritten, long errors,
                        long throttledCommands) {
    }

    /** A host connected to the brick that can see the volume. */
    public record ConnectedHost(String hostNqn, int controllerId, String address, int ioQueues) {
    }
}
