package io.basalt.server.volume;

import io.basalt.control.volume.VolumeMetadata;
import io.basalt.control.volume.VolumeException;

/**
 * The {@link VolumeManager} as {@link Snapshots} sees it. A class of its own rather than an
 * interface the manager implements, so the manager's methods for snapshots stay package-private
 * (an interface's methods would be public on the manager). Each method calls the manager's
 * method of the same name, which takes the manager's lock; the catalog and listener are the manager's.
 */
final class SnapshotsAccess implements ManagedVolumes {
    private final VolumeManager manager;
    private final VolumeCatalog catalog;
    private final VolumeListener listener;

    SnapshotsAccess(VolumeManager manager, VolumeCatalog catalog, VolumeListener listener) {
        this.manager = manager;
        this.catalog = catalog;
        this.listener = listener;
    }

    @Override
    public Volume find(String nameOrUuid) throws VolumeException {
        return manager.find(nameOrUuid);
    }

    @Override
    public Created existingAlike(VolumeMetadata wanted) throws VolumeException {
        return manager.existingAlike(wanted);
    }

    @Override
    public Created adopt(VolumeMetadata v) throws VolumeException {
        return manager.adopt(v, "cloned");
    }

    @Override
    public Created adoptExport(VolumeMetadata v) throws VolumeException {
        return manager.adoptExport(v);
    }

    @Override
    public int allocateNsid() throws VolumeException {
        return manager.allocateNsid();
    }

    @Override
    public VolumeCatalog catalog() {
        return catalog;
    }

    @Override
    public Volume contentsReplaced(String name, long newSize, String message) throws VolumeException {
        return manager.contentsReplaced(name, newSize, message);
    }

    @Override
    public VolumeListener listener() {
        return listener;
    }

    @Override
    public EnginePool enginePool() {
        return manager.enginePool();
    }
}
