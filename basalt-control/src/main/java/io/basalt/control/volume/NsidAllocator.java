package io.basalt.control.volume;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.local.LocalMetadataStore;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Hands out NSIDs round the NSID space: the next free one after the last issued, wrapping to the
 * lowest free only past the controller's NN. A deleted volume's NSID is thus not given to the next
 * volume, where a host that cached the old namespace could take one for the other. The last NSID
 * issued is kept in the metadata store under {@link MetadataKeys#NSIDS} (on a single brick,
 * {@code DATA_DIR/nsids.properties}), written before the volume that gets it.
 */
public final class NsidAllocator {
    public static final String FILE_NAME = "nsids.properties";
    /** What {@link #allocate} returns when every NSID is in use. */
    public static final int NONE = -1;
    private static final String LAST_ISSUED_KEY = "last-issued";

    /** How often an allocation re-reads the record after losing a compare-and-set to another writer. */
    private static final int CAS_ATTEMPTS = 16;

    private final MetadataStore store;
    private final int maxNsid;
    /** The last NSID issued by the data dir's volumes, for a store with no record yet. */
    private final int lastInUse;

    private NsidAllocator(MetadataStore store, int maxNsid, int lastInUse) {
        this.store = store;
        this.maxNsid = maxNsid;
        this.lastInUse = lastInUse;
    }

    /**
     * @param inUse   NSIDs of the volumes in the data dir; a data dir from before the allocator
     *                continues above the highest of them
     * @param maxNsid the highest NSID hosts accept (Identify Controller NN)
     */
    static NsidAllocator load(Path dataDir, Collection<Integer> inUse, int maxNsid) throws DataDirException {
        try {
            return load(LocalMetadataStore.openDataDir(dataDir), inUse, maxNsid);
        } catch (MetadataStoreException e) {
            throw DataDirException.failed(e);
        }
    }

    /** As {@link #load(Path, Collection, int)}, from the store the brick keeps its metadata in. */
    public static NsidAllocator load(MetadataStore store, Collection<Integer> inUse, int maxNsid) throws DataDirException {
        NsidAllocator a = new NsidAllocator(store, maxNsid,
                Math.clamp(inUse.stream().mapToInt(Integer::intValue).max().orElse(0), 0, maxNsid));
        try {
            a.lastIssued(store.get(MetadataKeys.NSIDS).orElse(null));
        } catch (MetadataStoreException e) {
            throw DataDirException.failed(e);
        }
        return a;
    }

    /**
     * The next NSID not in {@code inUse}, recorded as issued; {@link #NONE} if all are in use. The
     * last NSID issued is read from the store each time and written back by compare-and-set, so
     * allocators sharing a store never issue one NSID twice.
     */
    public synchronized int allocate(Set<Integer> inUse) throws DataDirException {
        try {
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                MetadataEntry record = store.get(MetadataKeys.NSIDS).orElse(null);
                int nsid = next(lastIssued(record), inUse);
                if (nsid == NONE) {
                    return NONE;
                }
                try {
                    store.put(MetadataKeys.NSIDS, Map.of(LAST_ISSUED_KEY, Integer.toString(nsid)),
                            record == null ? MetadataStore.ABSENT : record.modRevision());
                    return nsid;
                } catch (RevisionConflictException lost) {
                    // Another allocator issued one meanwhile: start again from what it recorded.
                }
            }
        } catch (MetadataStoreException e) {
            throw DataDirException.failed(e);
        }
        throw new DataDirException("cannot record an NSID in " + store.locate(MetadataKeys.NSIDS) + ": "
                + CAS_ATTEMPTS + " attempts lost to concurrent writers");
    }

    private int next(int lastIssued, Set<Integer> inUse) {
        for (int step = 1; step <= maxNsid; step++) {
            int nsid = (lastIssued + step - 1) % maxNsid + 1;
            if (!inUse.contains(nsid)) {
                return nsid;
            }
        }
        return NONE;
    }

    private int lastIssued(MetadataEntry record) throws DataDirException {
        if (record == null) {
            return lastInUse;
        }
        try {
            return Math.clamp(Integer.parseInt(record.fields().getOrDefault(LAST_ISSUED_KEY, "")), 0, maxNsid);
        } catch (NumberFormatException x) {
            throw new DataDirException(store.locate(MetadataKeys.NSIDS) + " is damaged: " + LAST_ISSUED_KEY
                    + " is not a number");
        }
    }
}
