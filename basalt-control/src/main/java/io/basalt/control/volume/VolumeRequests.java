package io.basalt.control.volume;

import io.basalt.units.Sizes;
import io.basalt.control.HostList;
import io.basalt.nvme.Nqn;
import io.basalt.control.volume.Backend;
import io.basalt.control.volume.ConfigException;
import io.basalt.control.volume.DataServices;
import io.basalt.control.volume.Hosts;
import io.basalt.control.volume.VolumeSpec;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The checks a volume change request must pass before anything is written: specs, sizes, host NQNs, labels. */
public final class VolumeRequests {
    /** Largest volume a request may ask for: 1 PiB, far beyond any test box yet a guard against typos. */
    static final long MAX_SIZE_BYTES = 1L << 50;
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,62}[A-Za-z0-9])?");
    private static final int MAX_LABELS = 64;
    private static final int MAX_LABEL_VALUE = 256;

    private VolumeRequests() {
    }

    /** The spec a create asks for, defaults filled in; refused as INVALID when a field is wrong or missing. */
    public static VolumeSpec spec(CreateRequest r) throws VolumeException {
        VolumeSpec spec;
        try {
            Backend backend = r.backend() == null ? VolumeSpec.BACKEND_DEFAULT : r.backend();
            spec = new VolumeSpec(r.name(), r.sizeBytes(), r.hosts() == null ? Hosts.none() : r.hosts(),
                    r.blockSize() == 0 ? VolumeSpec.BLOCK_SIZE_DEFAULT : r.blockSize(), backend,
                    DataServices.of(r.compression(), r.dedup(), r.encryption(), backend, r.name()));
        } catch (ConfigException | NullPointerException e) {
            throw VolumeException.invalid(e.getMessage() == null ? "missing field" : e.getMessage());
        }
        requireSize(spec.sizeBytes());
        return spec;
    }

    public static void requireValidName(String name) throws VolumeException {
        try {
            VolumeSpec.requireValidName(name);
        } catch (ConfigException e) {
            throw VolumeException.invalid(e.getMessage());
        }
    }

    /**
     * Checks a resize of {@code m} to {@code newSize}: false when the size is already that; a
     * refusal for a snapshot export, a size off the block size, a shrink (which no backend can do
     * yet: without {@code force} it is refused as losing data), or growing what cannot grow.
     */
    public static boolean requireGrowth(VolumeMetadata m, long newSize, boolean force, boolean canGrow)
            throws VolumeException {
        requireSize(newSize);
        if (m.isSnapshotExport()) {
            throw VolumeException.unsupported("'" + m.name() + "' exports a snapshot read-only; it cannot change size");
        }
        if (newSize % m.blockSize() != 0) {
            throw VolumeException.invalid("size must be a multiple of the " + m.blockSize() + "-byte block size");
        }
        if (newSize == m.sizeBytes()) {
            return false;
        }
        if (newSize < m.sizeBytes()) {
            if (!force) {
                throw VolumeException.invalid("shrinking volume '" + m.name() + "' from " + Sizes.format(m.sizeBytes())
                        + " to " + Sizes.format(newSize) + " loses data; ask again with force");
            }
            throw VolumeException.unsupported("the " + m.backend().label() + " backend cannot shrink a volume");
        }
        if (!canGrow) {
            throw VolumeException.unsupported("the " + m.backend().label() + " backend cannot grow a volume");
        }
        return true;
    }

    /** The host list with one more host (kept in the order hosts were allowed). */
    public static HostList with(HostList h, String hostNqn) {
        Set<String> hosts = new LinkedHashSet<>(h.hosts());
        hosts.add(hostNqn);
        return HostList.of(hosts);
    }

    /** The host list without a host. */
    public static HostList without(HostList h, String hostNqn) {
        Set<String> hosts = new LinkedHashSet<>(h.hosts());
        hosts.remove(hostNqn);
        return HostList.of(hosts);
    }

    public static void requireSize(long size) throws VolumeException {
        if (size <= 0 || size > MAX_SIZE_BYTES) {
            throw VolumeException.invalid("size must be between 1 block and " + Sizes.format(MAX_SIZE_BYTES)
                    + ", not " + size + " bytes");
        }
    }

    public static void requireNqn(String nqn) throws VolumeException {
        try {
            Nqn.requireValid(nqn);
        } catch (IllegalArgumentException e) {
            throw VolumeException.invalid("invalid host NQN: " + e.getMessage());
        }
    }

    public static Map<String, String> validLabels(Map<String, String> labels) throws VolumeException {
        if (labels == null) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            throw VolumeException.invalid("at most " + MAX_LABELS + " labels");
        }
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (e.getKey() == null || !LABEL_KEY.matcher(e.getKey()).matches()) {
                throw VolumeException.invalid("invalid label key '" + e.getKey()
                        + "' (1-64 characters: letters, digits, '.', '_', '-', '/'; starting and ending alphanumeric)");
            }
            String value = e.getValue() == null ? "" : e.getValue();
            if (value.length() > MAX_LABEL_VALUE || value.chars().anyMatch(Character::isISOControl)) {
                throw VolumeException.invalid("invalid value for label '" + e.getKey() + "' (at most "
                        + MAX_LABEL_VALUE + " printable characters)");
            }
            out.put(e.getKey(), value);
        }
        return out;
    }
}
