package io.basalt.control.agent;

import io.basalt.control.HostList;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.volume.VolumeException;
import io.basalt.control.volume.VolumeMetadata;

import java.util.List;
import java.util.Map;

/**
 * The brick's volumes and NVMe paths as the {@link VolumeAgent} changes them; the daemon implements
 * it over its volume manager and subsystem. The agent decides what to change; each method carries
 * out one change, durably recorded on the brick and applied to what hosts see, and returns the
 * volume as it is afterwards.
 *
 * @param <V> the daemon's volume
 */
public interface LocalVolumes<V extends LocalVolume> {
    /** Every volume this brick holds. */
    List<V> list();

    /** The volume of that name, or null when the brick holds none. */
    V get(String name);

    /** Creates and exports a volume as the cluster recorded it: its UUID and NSID are kept. */
    V create(VolumeMetadata wanted) throws VolumeException;

    /** Renames a volume, keeping its data. */
    V rename(String name, String newName) throws VolumeException;

    /** Grows a volume to {@code newSize} bytes. */
    V grow(String name, long newSize) throws VolumeException;

    /** Replaces who may see the volume. */
    V setHosts(String name, HostList hosts) throws VolumeException;

    /** Puts the volume under a QoS policy (null: unlimited). */
    V setQosPolicy(String name, String policy) throws VolumeException;

    V setLabels(String name, Map<String, String> labels) throws VolumeException;

    /** Deletes the volume with its snapshots and data. */
    void delete(String name) throws VolumeException;

    /** The volume's path through this brick: optimized when the brick is its primary, else inaccessible. */
    void pathState(V local, boolean primary);

    /** The cluster's members now: discovery advertises the NVMe/TCP address of every live one. */
    void members(List<BrickDirectory.Member> members);
}
