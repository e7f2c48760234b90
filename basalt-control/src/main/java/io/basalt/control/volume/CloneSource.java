package io.basalt.control.volume;

import java.util.UUID;

/**
 * The snapshot a clone was made from, remembered so that creating the clone again is recognised as
 * the same request (creates are idempotent: orchestrators retry).
 *
 * @param volume     the snapshotted volume's UUID (it survives renames, unlike its name)
 * @param snapshot   the snapshot's name
 * @param snapshotId the snapshot's pool image id, never reused: a snapshot deleted and retaken
 *                   under the same name holds other data, so it is another source
 */
public record CloneSource(UUID volume, String snapshot, int snapshotId) {
    /** {@code VOLUME-UUID@SNAPSHOT}, the form read-only exports record their snapshot in too. */
    public String ref() {
        return volume + "@" + snapshot;
    }

    /** Parses {@link #ref()} (split at the first @: a UUID has none) and the id; throws IllegalArgumentException. */
    static CloneSource parse(String ref, String snapshotId) {
        int at = ref.indexOf('@');
        if (at <= 0 || at == ref.length() - 1) {
            throw new IllegalArgumentException("bad clone source " + ref + " (VOLUME-UUID@SNAPSHOT)");
        }
        if (snapshotId == null) {
            throw new IllegalArgumentException("clone source " + ref + " without its snapshot id");
        }
        return new CloneSource(UUID.fromString(ref.substring(0, at)), ref.substring(at + 1),
                Integer.parseInt(snapshotId));
    }
}
