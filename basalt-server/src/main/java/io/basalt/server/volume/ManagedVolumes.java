package io.basalt.server.volume;

import io.basalt.control.volume.VolumeMetadata;
import io.basalt.control.volume.VolumeException;

/**
 * What {@link Snapshots} needs of the component that owns the volumes (the {@link VolumeManager}):
 * so snapshots depend on this small contract and not on the manager, which depends on them.
 * Every method is called with the manager's lock held or takes it, as its counterpart there says.
 */
interface ManagedVolumes {
    /** The volume by name or UUID; not found is a {@link VolumeException}. */
    Volume find(String nameOrUuid) throws VolumeException;

    /** The existing volume {@code wanted} names, if it is alike (an idempotent create); a conflict if not. */
    Created existingAlike(VolumeMetadata wanted) throws VolumeException;

    /** Records and exports a volume whose pool image exists already (a clone). */
    Created adopt(VolumeMetadata v) throws VolumeException;

    /** Records and exports a read-only snapshot export. */
    Created adoptExport(VolumeMetadata v) throws VolumeException;

    /** An NSID for a new volume, not one a deleted volume had lately. */
    int allocateNsid() throws VolumeException;

    VolumeCatalog catalog();

    /** Tells hosts that can see the volume that its contents or size changed under them (rollback). */
    Volume contentsReplaced(String name, long newSize, String message) throws VolumeException;

    VolumeListener listener();

    /** The engine pool, or null when the brick has no devices. */
    EnginePool enginePool();
}
