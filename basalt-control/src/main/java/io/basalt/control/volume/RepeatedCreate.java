package io.basalt.control.volume;

import io.basalt.units.Sizes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;

/**
 * Whether a create that names an existing volume asks for that volume as it is. Creates are
 * idempotent (orchestrators retry), so such a create succeeds without doing anything; one that
 * differs is a conflict, and its reason says what differs. A volume's origin is part of what it
 * is: a new volume, a clone of one snapshot and a read-only export of it are three different things.
 */
public final class RepeatedCreate {
    private RepeatedCreate() {
    }

    /**
     * @param names the current name of a volume by UUID, or null once it is deleted
     * @return null when {@code wanted} describes {@code existing}; otherwise the differences, each as
     *         "what it is, not what was asked", separated by "; "
     */
    public static String differences(VolumeMetadata existing, VolumeMetadata wanted, Function<UUID, String> names) {
        List<String> out = new ArrayList<>();
        String origin = originDifference(existing, wanted, names);
        if (origin != null) {
            out.add(origin);
        }
        differ(out, "size", Sizes.format(existing.sizeBytes()), Sizes.format(wanted.sizeBytes()));
        differ(out, "block size", existing.blockSize(), wanted.blockSize());
        differ(out, "backend", existing.backend().label(), wanted.backend().label());
        differ(out, "data services", existing.services().format(), wanted.services().format());
        differ(out, "hosts", Hosts.format(existing.hosts()), Hosts.format(wanted.hosts()));
        differ(out, "labels", existing.labels(), wanted.labels());
        differ(out, "QoS policy", Objects.requireNonNullElse(existing.qosPolicy(), "none"),
                Objects.requireNonNullElse(wanted.qosPolicy(), "none"));
        return out.isEmpty() ? null : String.join("; ", out);
    }

    private static void differ(List<String> out, String what, Object existing, Object wanted) {
        if (!existing.equals(wanted)) {
            out.add(what + " " + existing + ", not " + wanted);
        }
    }

    private static String originDifference(VolumeMetadata existing, VolumeMetadata wanted,
                                           Function<UUID, String> names) {
        String kind = kind(existing);
        if (!kind.equals(kind(wanted))) {
            return describe(existing, names) + ", not " + describe(wanted, names);
        }
        if (!Objects.equals(sourceRef(existing), sourceRef(wanted))) {
            return describe(existing, names) + ", not " + source(wanted, names);
        }
        if (existing.clonedFrom() != null && existing.clonedFrom().snapshotId() != wanted.clonedFrom().snapshotId()) {
            String snapshot = source(existing, names);
            return "a clone of " + snapshot + " as it was before that snapshot was deleted and retaken, not of "
                    + snapshot + " as it is now";
        }
        return null;
    }

    private static String kind(VolumeMetadata v) {
        return v.isSnapshotExport() ? "a read-only export" : v.clonedFrom() != null ? "a clone" : "a new volume";
    }

    /** What a volume is and where it came from: "a clone of db@nightly", "a new volume". */
    public static String describe(VolumeMetadata v, Function<UUID, String> names) {
        String source = source(v, names);
        return source == null ? kind(v) : kind(v) + " of " + source;
    }

    /** {@code VOLUME-UUID@SNAPSHOT}, or null for a new volume. */
    private static String sourceRef(VolumeMetadata v) {
        return v.isSnapshotExport() ? v.snapshotOf() : v.clonedFrom() != null ? v.clonedFrom().ref() : null;
    }

    /** The source as people write it, VOLUME@SNAPSHOT, with the volume's UUID once it is deleted. */
    private static String source(VolumeMetadata v, Function<UUID, String> names) {
        String ref = sourceRef(v);
        if (ref == null) {
            return null;
        }
        int at = ref.indexOf('@');
        String volume = ref.substring(0, at);
        String name = names.apply(UUID.fromString(volume));
        return (name == null ? volume : name) + ref.substring(at);
    }
}
