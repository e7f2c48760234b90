package io.basalt.csi.rpc;

import csi.v1.VolumeCapability;
import csi.v1.VolumeCapability.AccessMode.Mode;

import java.util.List;
import java.util.Set;

/**
 * Which volume capabilities Basalt volumes support, for the controller (validate, publish) and the
 * node (stage, publish) alike. A volume is an NVMe namespace: any node may attach it, any number at
 * once. As a raw block device every access mode works (sharing writers is the application's
 * business, as with any shared disk); mounted, a file system such as ext4 or xfs must have one
 * writer, so the multi-node writer modes are refused there.
 */
public final class Capabilities {
    /** File systems NodeStageVolume can make and mount; an empty fs_type means the first. */
    public static final List<String> FS_TYPES = List.of("ext4", "xfs");
    private static final Set<Mode> SINGLE_NODE = Set.of(Mode.SINGLE_NODE_WRITER, Mode.SINGLE_NODE_READER_ONLY,
            Mode.SINGLE_NODE_SINGLE_WRITER, Mode.SINGLE_NODE_MULTI_WRITER);
    private static final Set<Mode> MULTI_NODE_WRITERS = Set.of(Mode.MULTI_NODE_SINGLE_WRITER,
            Mode.MULTI_NODE_MULTI_WRITER);

    private Capabilities() {
    }

    /** Why the capability cannot be met, or null when it can. */
    public static String unsupported(VolumeCapability c) {
        if (!c.hasAccessMode() || c.getAccessMode().getMode() == Mode.UNKNOWN
                || c.getAccessMode().getMode() == Mode.UNRECOGNIZED) {
            return "a volume capability needs an access mode";
        }
        return switch (c.getAccessTypeCase()) {
            case BLOCK -> null;
            case MOUNT -> {
                String fs = c.getMount().getFsType();
                if (!fs.isEmpty() && !FS_TYPES.contains(fs)) {
                    yield "file system '" + fs + "' is not supported (" + String.join(", ", FS_TYPES) + ")";
                }
                yield MULTI_NODE_WRITERS.contains(c.getAccessMode().getMode())
                        ? "a mounted file system has one writer; " + c.getAccessMode().getMode()
                        + " needs a raw block volume" : null;
            }
            case ACCESSTYPE_NOT_SET -> "a volume capability needs an access type (block or mount)";
        };
    }

    /** Why the capabilities cannot all be met, or null; an empty list is INVALID_ARGUMENT. */
    public static String unsupported(List<VolumeCapability> caps) {
        if (caps.isEmpty()) {
            throw CsiErrors.invalid("volume_capabilities is required");
        }
        for (VolumeCapability c : caps) {
            String why = unsupported(c);
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    /** Checks the capabilities, refusing what cannot be met as INVALID_ARGUMENT. */
    public static void require(List<VolumeCapability> caps) {
        String why = unsupported(caps);
        if (why != null) {
            throw CsiErrors.invalid(why);
        }
    }

    /** Whether the capability lets only one node attach the volume at a time. */
    public static boolean singleNode(VolumeCapability c) {
        return SINGLE_NODE.contains(c.getAccessMode().getMode());
    }

    /** Whether the capability is read-only by its access mode. */
    public static boolean readOnlyMode(VolumeCapability c) {
        Mode m = c.getAccessMode().getMode();
        return m == Mode.SINGLE_NODE_READER_ONLY || m == Mode.MULTI_NODE_READER_ONLY;
    }
}
