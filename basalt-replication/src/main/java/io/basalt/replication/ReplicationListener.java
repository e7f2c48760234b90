package io.basalt.replication;

/**
 * What the daemon hears from a volume's {@link ReplicatedStore}, for events, {@code volume get} and
 * metrics. Called on the store's own threads (a resync's, or whichever completed a drop's record):
 * implementations must return quickly and must not call back into the store's {@code apply}.
 */
public interface ReplicationListener {
    /** Hears nothing. */
    ReplicationListener NONE = new ReplicationListener() {
    };

    /** A failed replica's drop from the in-sync set was recorded ({@code recorded}) or refused. */
    default void replicaDropped(String brick, long epoch, boolean recorded) {
    }

    /** A resync of the replica on {@code progress.brick()} began copying. */
    default void resyncStarted(ResyncProgress progress) {
    }

    /** A resync copied more (at most once per {@link ReplicationSettings#progressBytes()} copied, and after every pass). */
    default void resyncProgress(ResyncProgress progress) {
    }

    /** The replica is whole and back in the in-sync set; {@code progress.lastPauseNanos()} is how long writes waited. */
    default void resyncDone(ResyncProgress progress) {
    }

    /** The resync stopped (the link failed, the rejoin was refused); its tracking is kept and it will try again. */
    default void resyncFailed(ResyncProgress progress, String reason) {
    }

    /** The resync stopped for good: this brick is no longer primary, the replica left the plan, or the store closed. */
    default void resyncCancelled(ResyncProgress progress) {
    }
}
