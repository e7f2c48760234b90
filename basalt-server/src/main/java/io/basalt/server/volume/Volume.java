package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.agent.LocalVolume;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.volume.IoCounters;

/** A volume as the {@link VolumeManager} sees it: metadata, and while online its store and namespace. */
public record Volume(VolumeMetadata metadata, VolumeState state, BlockStore store, Namespace namespace)
        implements LocalVolume {
    /** The volume's I/O counters while it is online, else null. */
    public IoCounters counters() {
        return namespace == null ? null : namespace.volume().counters();
    }
}
