package io.basalt.engine.gc;

/**
 * What the {@link Cleaner} needs of the images and their space accounting (both in {@code pool}):
 * whether a copy in a victim is still live, and where a durable copy now is. Families are named by
 * their seed, as log records name them. Engine thread only.
 *
 * <p>Durability invariant: {@link #moved} and {@link #extentMoved} are called only after the batch
 * holding the copy is written, so a map never points at a copy that a crash could lose before the
 * next sync; the victim is freed only after that sync.
 */
public interface LiveData {
    /** Whether any image of family {@code seed} still maps {@code lba} to {@code address} (the writer may be gone). */
    boolean holds(int seed, long lba, long address);

    /**
     * The copy of {@code from} (LBA {@code lba} of family {@code seed}) is at {@code to}: every image
     * of the family that still holds {@code from} moves to it, and the live bytes follow.
     */
    void moved(int seed, long lba, long from, long to, int crc);

    /** Dedup extent {@code id}'s payload is now at {@code address}. */
    void extentMoved(long id, long address);

    /** Live payload bytes in the pool: a victim's age is capped at the time it takes to write half of them. */
    long liveBytes();
}
