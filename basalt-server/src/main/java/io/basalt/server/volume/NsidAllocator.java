package io.basalt.server.volume;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Properties;
import java.util.Set;

/**
 * Hands out NSIDs round the NSID space: the next free one after the last issued, wrapping to the
 * lowest free only past the controller's NN. A deleted volume's NSID is thus not given to the next
 * volume, where a host that cached the old namespace could take one for the other. The last NSID
 * issued is kept in {@code DATA_DIR/nsids.properties}, written before the volume that gets it.
 */
final class NsidAllocator {
    static final String FILE_NAME = "nsids.properties";
    /** What {@link #allocate} returns when every NSID is in use. */
    static final int NONE = -1;
    private static final String LAST_ISSUED_KEY = "last-issued";

    private final Path file;
    private final int maxNsid;
    private int lastIssued;

    private NsidAllocator(Path file, int maxNsid, int lastIssued) {
        this.file = file;
        this.maxNsid = maxNsid;
        this.lastIssued = lastIssued;
    }

    /**
     * @param inUse   NSIDs of the volumes in the data dir; a data dir from before the allocator
     *                continues above the highest of them
     * @param maxNsid the highest NSID hosts accept (Identify Controller NN)
     */
    static NsidAllocator load(Path dataDir, Collection<Integer> inUse, int maxNsid) throws DataDirException {
        Path file = dataDir.resolve(FILE_NAME);
        try {
            Properties p = AtomicFiles.readProperties(file);
            int last = inUse.stream().mapToInt(Integer::intValue).max().orElse(0);
            if (p != null) {
                try {
                    last = Integer.parseInt(p.getProperty(LAST_ISSUED_KEY, ""));
                } catch (NumberFormatException e) {
                    throw new DataDirException(file + " is damaged: " + LAST_ISSUED_KEY + " is not a number");
                }
            }
            return new NsidAllocator(file, maxNsid, Math.clamp(last, 0, maxNsid));
        } catch (IOException e) {
            throw new DataDirException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The next NSID not in {@code inUse}, recorded as issued; {@link #NONE} if all are in use. */
    synchronized int allocate(Set<Integer> inUse) throws DataDirException {
        for (int step = 1; step <= maxNsid; step++) {
            int nsid = (lastIssued + step - 1) % maxNsid + 1;
            if (!inUse.contains(nsid)) {
                save(nsid);
                lastIssued = nsid;
                return nsid;
            }
        }
        return NONE;
    }

    private void save(int nsid) throws DataDirException {
        Properties p = new Properties();
        p.setProperty(LAST_ISSUED_KEY, Integer.toString(nsid));
        try {
            AtomicFiles.writeProperties(file, p, "Basalt: the last NSID given to a volume; the next gets one above it");
        } catch (IOException e) {
            throw new DataDirException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
