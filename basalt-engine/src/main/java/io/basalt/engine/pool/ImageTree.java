package io.basalt.engine.pool;

import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.map.VolumeMap;

import static io.basalt.engine.pool.EngineBlockStore.HIDDEN;
import static io.basalt.engine.pool.EngineBlockStore.SNAPSHOT;
import static io.basalt.engine.pool.EngineBlockStore.VOLUME;

/**
 * The images of each family as a tree, and the rules that keep space exact while they share blocks.
 * Taking snapshot S of volume V inserts S between V and V's parent (S's map is V's at that point);
 * a clone of S is a new volume under S; live volumes are always leaves. Engine thread only.
 *
 * <p><b>Why one probe decides liveness.</b> An address A is written once, at one LBA L, by one
 * image; the images holding A at L are the writer and those that inherited it through snapshots
 * and clones without overwriting — a connected subtree. So when a volume (a leaf) drops A at L,
 * another image holds it iff its parent does ({@link SpaceAccounting#releaseFromLeaf}). Removing an
 * image M with at most one child releases A iff neither its parent nor its child holds it, and
 * splicing the child onto M's parent keeps every subtree connected. M with two or more children
 * cannot go without breaking that, so it is <em>hidden</em>: invisible, and compacted — it drops
 * (and releases, by the same probe) the entries no child holds — and removed once it is down to
 * one child. A chunk M shares is held whole by a neighbour (sharing only ever passes along tree
 * edges), so it just loses a reference.
 */
final class ImageTree {
    private final Engine engine;
    private final EngineState state;
    private final SpaceAccounting space;

    ImageTree(Engine engine, EngineState state, SpaceAccounting space) {
        this.engine = engine;
        this.state = state;
        this.space = space;
    }

    /** A new volume, the root of a new family (its family id is its own). */
    void addVolume(EngineBlockStore v) {
        Family f = new Family(v.family());
        state.families.put(f.id, f);
        join(v, f, null);
    }

    /** Puts {@code image} into {@code family} under {@code parent} (null: the root) and into the pool's table. */
    void join(EngineBlockStore image, Family family, EngineBlockStore parent) {
        image.familyTree = family;
        family.images.add(image);
        image.parent = parent;
        if (parent != null) {
            parent.children.add(image);
        }
        state.volumes.put(image.id(), image);
        state.nextVolumeId = Math.max(state.nextVolumeId, image.id() + 1);
    }

    /** Inserts snapshot {@code id} of volume {@code v} between it and its parent, sharing all of its chunks. */
    EngineBlockStore snapshot(EngineBlockStore v, int id, String name, long createdMillis) {
        EngineBlockStore s = new EngineBlockStore(engine, id, name, v.blockSize(), v.capacityBytes(),
                v.volatileWriteCache(), v.map.snapshot(v.map.blocks()), v.options(), v.family(), v.key(), v.wrappedKey);
        s.copyUsage(v);
        s.setKind(SNAPSHOT);
        s.ownerId = v.id();
        s.createdMillis = createdMillis;
        EngineBlockStore p = v.parent;
        if (p != null) {
            p.children.remove(v);
        }
        join(s, v.familyTree, p);
        v.parent = s;
        s.children.add(v);
        return s;
    }

    /** A new volume under snapshot {@code s}, sharing all of its chunks. */
    EngineBlockStore clone(EngineBlockStore s, int id, String name, boolean volatileWriteCache, long createdMillis) {
        // Same family: same checksum seeds, cipher tweaks, data key and data services as its origin.
        EngineBlockStore c = new EngineBlockStore(engine, id, name, s.blockSize(), s.capacityBytes(), volatileWriteCache,
                s.map.snapshot(s.map.blocks()), s.options(), s.family(), s.key(), s.wrappedKey);
        c.copyUsage(s);
        c.createdMillis = createdMillis;
        join(c, s.familyTree, s);
        return c;
    }

    /**
     * Volume {@code v} takes snapshot {@code s}'s contents (same family): what it held is released
     * by the leaf rule, then it hangs under {@code s} with a copy of its chunk directory.
     */
    void rollback(EngineBlockStore v, EngineBlockStore s) {
        VolumeMap old = v.map;
        for (int c = 0; c < old.chunkCount(); c++) {
            // A shared chunk of a leaf is its parent's too: nothing in it is released.
            if (!old.isShared(c)) {
                old.forEachIn(c, (lba, a, crc) -> space.releaseFromLeaf(v, lba, a));
            }
        }
        old.dropAll();
        v.map = s.map.snapshot(s.map.blocks());
        v.copyUsage(s);
        v.setCapacity(s.capacityBytes());
        EngineBlockStore p = v.parent;
        if (p != null) {
            p.children.remove(v);
        }
        v.parent = s;
        s.children.add(v);
        if (p != null) {
            afterChildLoss(p);
        }
    }

    /** Deletes an image: removed if it has at most one child, hidden otherwise. Its store fails from now on. */
    void delete(EngineBlockStore m) {
        m.markDeleted();
        if (m.children.size() <= 1) {
            remove(m);
        } else {
            m.setKind(HIDDEN);
            compact(m);
        }
    }

    private void remove(EngineBlockStore m) {
        EngineBlockStore p = m.parent;
        EngineBlockStore child = m.children.isEmpty() ? null : m.children.get(0);
        VolumeMap map = m.map;
        for (int c = 0; c < map.chunkCount(); c++) {
            if (!map.isShared(c)) {
                map.forEachIn(c, (lba, a, crc) -> {
                    if (!holds(p, lba, a) && !holds(child, lba, a)) {
                        space.releasePool(a, m.blockSize());
                    }
                });
            }
        }
        if (p != null && child != null && m.options().dedup()) {
            joinExtentSubtrees(p, m, child);
        }
        map.dropAll();
        if (p != null) {
            int at = p.children.indexOf(m);
            p.children.remove(at);
            if (child != null) {
                p.children.add(at, child);
            }
        }
        if (child != null) {
            child.parent = p;
        }
        m.parent = null;
        m.children.clear();
        m.familyTree.images.remove(m);
        if (m.familyTree.images.isEmpty()) {
            state.families.remove(m.familyTree.id);
        }
        state.volumes.remove(m.id());
        if (p != null) {
            afterChildLoss(p);
        }
    }

    /**
     * Splicing {@code m} out joins its parent and child: where both hold one dedup extent at an LBA
     * that {@code m} does not, two subtrees of holders — each with its reference — become one, so
     * one reference goes. (A payload's address is written once, so its holders are always one
     * subtree; an extent can be written again at an LBA by another image.) Only chunks where
     * {@code m} differs from both are read.
     */
    private void joinExtentSubtrees(EngineBlockStore p, EngineBlockStore m, EngineBlockStore child) {
        long blocks = Math.min(p.map.blocks(), child.map.blocks());
        int chunks = (int) ((blocks + VolumeMap.CHUNK_BLOCKS - 1) >>> VolumeMap.CHUNK_SHIFT);
        for (int c = 0; c < chunks; c++) {
            if (m.map.sameChunk(p.map, c) || m.map.sameChunk(child.map, c)) {
                continue;
            }
            long end = Math.min(blocks, ((long) c + 1) << VolumeMap.CHUNK_SHIFT);
            for (long lba = (long) c << VolumeMap.CHUNK_SHIFT; lba < end; lba++) {
                long a = p.map.get(lba);
                if (PhysAddr.isExtent(a) && child.map.get(lba) == a && m.map.get(lba) != a) {
                    space.releasePool(a, m.blockSize());
                }
            }
        }
    }

    /** {@code p} lost a child (or had one replaced): a hidden image goes at one child, else drops what none needs. */
    private void afterChildLoss(EngineBlockStore p) {
        if (p.kind() != HIDDEN) {
            return;
        }
        if (p.children.size() <= 1) {
            remove(p);
        } else {
            compact(p);
        }
    }

    /** Drops from hidden image {@code h} every entry no child holds, releasing those its parent does not hold. */
    private void compact(EngineBlockStore h) {
        VolumeMap map = h.map;
        for (int c = 0; c < map.chunkCount(); c++) {
            if (map.isEmpty(c) || map.isShared(c)) {
                // Shared: a neighbour holds the whole chunk, so nothing in it would be released.
                continue;
            }
            long end = Math.min(map.blocks(), ((long) c + 1) << VolumeMap.CHUNK_SHIFT);
            for (long lba = (long) c << VolumeMap.CHUNK_SHIFT; lba < end; lba++) {
                long a = map.get(lba);
                if (a == PhysAddr.NONE || anyChildHolds(h, lba, a)) {
                    continue;
                }
                map.clear(lba);
                SpaceAccounting.mapped(h, a, -1);
                if (!holds(h.parent, lba, a)) {
                    space.releasePool(a, h.blockSize());
                }
            }
        }
    }

    /**
     * Payload bytes only {@code m} holds — what deleting it would free, were it down to one child;
     * the rest of its {@code mappedBytes} is shared. Dedup extents are not counted (freeing one
     * depends on references from other families). O(its unshared chunks).
     */
    long uniqueBytes(EngineBlockStore m) {
        long[] sum = new long[1];
        VolumeMap map = m.map;
        for (int c = 0; c < map.chunkCount(); c++) {
            if (!map.isShared(c)) {
                map.forEachIn(c, (lba, a, crc) -> {
                    if (!PhysAddr.isExtent(a) && !holds(m.parent, lba, a) && !anyChildHolds(m, lba, a)) {
                        sum[0] += PhysAddr.length(a);
                    }
                });
            }
        }
        return sum[0];
    }

    private static boolean anyChildHolds(EngineBlockStore m, long lba, long a) {
        for (EngineBlockStore c : m.children) {
            if (c.map.get(lba) == a) {
                return true;
            }
        }
        return false;
    }

    private static boolean holds(EngineBlockStore image, long lba, long a) {
        return image != null && image.map.get(lba) == a;
    }

    /**
     * The cleaner (or replay) moved the block at {@code lba} of {@code family} from {@code from} to
     * {@code to}: every image holding {@code from} there now holds {@code to}. A shared chunk is
     * changed once for all its sharers. Returns whether any image held it.
     */
    boolean move(Family family, long lba, long from, long to, int crc) {
        boolean moved = false;
        for (EngineBlockStore image : family.images) {
            moved |= image.map.move(lba, from, to, crc);
        }
        return moved;
    }

    /** Whether any image of {@code family} holds {@code address} at {@code lba}. */
    static boolean anyHolds(Family family, long lba, long address) {
        for (EngineBlockStore image : family.images) {
            if (image.map.get(lba) == address) {
                return true;
            }
        }
        return false;
    }

    /** Live volumes in the pool (images of kind VOLUME). */
    int volumeCount() {
        int n = 0;
        for (EngineBlockStore image : state.volumes.values()) {
            n += image.kind() == VOLUME ? 1 : 0;
        }
        return n;
    }
}
