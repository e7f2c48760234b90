package io.basalt.server.cluster;

import io.basalt.control.MetadataEntry;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot as the cluster records it under {@code snapshots/VOLUME/NAME}: asked for through any
 * brick's API, taken by the volume's primary brick, which then records what it took.
 *
 * @param volumeUuid the volume's UUID when asked (a volume re-created under the name is another volume)
 * @param message    why taking it failed, or null
 * @param revision   the record's modification revision, for compare-and-set
 */
public record ClusterSnapshot(String volume, String name, String volumeUuid, State state, int id, long sizeBytes,
                              int blockSize, long mappedBytes, long createdMillis, String message, long revision) {
    /** Where the snapshot stands. */
    public enum State {
        /** Asked for; the primary has not taken it yet. */
        REQUESTED,
        /** Taken on the primary. */
        TAKEN,
        /** The primary could not take it; {@link #message} says why. */
        FAILED,
        /** To be deleted; the primary deletes it, then the record. */
        DELETING;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static ClusterSnapshot requested(String volume, String name, String volumeUuid) {
        return new ClusterSnapshot(volume, name, volumeUuid, State.REQUESTED, 0, 0, 0, 0, 0, null, 0);
    }

    ClusterSnapshot with(State s, String why) {
        return new ClusterSnapshot(volume, name, volumeUuid, s, id, sizeBytes, blockSize, mappedBytes, createdMillis,
                why, revision);
    }

    ClusterSnapshot taken(int newId, long size, int block, long mapped, long created) {
        return new ClusterSnapshot(volume, name, volumeUuid, State.TAKEN, newId, size, block, mapped, created, null,
                revision);
    }

    Map<String, String> toFields() {
        Map<String, String> f = new TreeMap<>();
        f.put("volume-uuid", volumeUuid);
        f.put("state", state.label());
        f.put("id", Integer.toString(id));
        f.put("size-bytes", Long.toString(sizeBytes));
        f.put("block-size", Integer.toString(blockSize));
        f.put("mapped-bytes", Long.toString(mappedBytes));
        f.put("created-millis", Long.toString(createdMillis));
        if (message != null) {
            f.put("message", message);
        }
        return f;
    }

    /** Reads {@code snapshots/VOLUME/NAME}. */
    static ClusterSnapshot of(MetadataEntry e) {
        String[] parts = e.key().split("/");
        Map<String, String> f = e.fields();
        return new ClusterSnapshot(parts[parts.length - 2], parts[parts.length - 1], f.getOrDefault("volume-uuid", ""),
                State.valueOf(f.getOrDefault("state", "requested").toUpperCase(Locale.ROOT)),
                Integer.parseInt(f.getOrDefault("id", "0")), Long.parseLong(f.getOrDefault("size-bytes", "0")),
                Integer.parseInt(f.getOrDefault("block-size", "0")), Long.parseLong(f.getOrDefault("mapped-bytes", "0")),
                Long.parseLong(f.getOrDefault("created-millis", "0")), f.get("message"), e.modRevision());
    }
}
