package io.basalt.engine.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * The images descended from one original volume: the volume, its snapshots, their clones and
 * theirs. A block written by any of them can be held by others of the same family only, so the
 * cleaner and replay look for an old address in the writer's family. Engine thread only.
 */
final class Family {
    final int id;
    final List<EngineBlockStore> images = new ArrayList<>();

    Family(int id) {
        this.id = id;
    }
}
