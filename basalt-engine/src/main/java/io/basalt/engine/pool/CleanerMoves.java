package io.basalt.engine.pool;

import io.basalt.engine.gc.LiveData;

/**
 * The cleaner's view of the images ({@link LiveData}): a family by its seed, whether any of its
 * images still holds a copy, and every image and the space accounting following a durable move.
 * Engine thread only, like the cleaner.
 */
final class CleanerMoves implements LiveData {
    private final EngineState state;
    private final ImageTree tree;
    private final SpaceAccounting space;

    CleanerMoves(EngineState state, ImageTree tree, SpaceAccounting space) {
        this.state = state;
        this.tree = tree;
        this.space = space;
    }

    @Override
    public boolean holds(int seed, long lba, long address) {
        Family family = state.families.get(seed);
        return family != null && ImageTree.anyHolds(family, lba, address);
    }

    @Override
    public void moved(int seed, long lba, long from, long to, int crc) {
        Family family = state.families.get(seed);
        if (family != null && tree.move(family, lba, from, to, crc)) {
            space.moved(from, to);
        }
    }

    @Override
    public void extentMoved(long id, long address) {
        space.extentMoved(id, address);
    }

    @Override
    public long liveBytes() {
        return space.liveBytes();
    }
}
