package io.basalt.api.model;

import java.util.List;
import java.util.Map;

/**
 * A volume as the API shows it.
 *
 * @param state          {@code online} (exported) or {@code offline} (kept in the data dir, not exported)
 * @param hosts          host NQNs allowed to see it, or {@code ["any"]}; empty: nobody
 * @param connectedHosts hosts connected now that can see it
 */
public record VolumeView(String name, String uuid, String nguid, int nsid, String state, long sizeBytes,
                         int blockSize, String backend, List<String> hosts, Map<String, String> labels,
                         String qosPolicy, Usage usage, Stats stats, List<ConnectedHost> connectedHosts,
                         String createdAt) {
    /**
     * Space use. Logical: bytes hosts have written and not deallocated, as far as the store knows;
     * physical: bytes the store occupies on its media. The ratios are 1.0 until the engine reduces data.
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
