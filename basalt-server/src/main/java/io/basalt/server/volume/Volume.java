package io.basalt.server.volume;

import io.basalt.block.BlockStore;
import io.basalt.control.agent.LocalVolume;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.nvmet.subsystem.Namespace;

/** A volume as the {@link VolumeManager} sees it: metadata, and while online its store and namespace. */
public record Volume(VolumeMetadata metadata, VolumeState state, BlockStore store, Namespace namespace)
        implements LocalVolume {
}
