package io.basalt.volume;

/**
 * Hears of every completed read and write of a volume, for latency metrics. Called on the
 * transport's threads (event loops) once per I/O: it must not block and should not allocate.
 */
@FunctionalInterface
public interface IoObserver {
    /** Observes nothing: the default, so the data path never checks for null. */
    IoObserver NONE = (write, bytes, latencyNanos, ok) -> { };

    /**
     * @param write        a write (else a read)
     * @param bytes        the operation's length
     * @param latencyNanos from the command's arrival to its completion by the store
     * @param ok           whether the store completed it successfully
     */
    void completed(boolean write, int bytes, long latencyNanos, boolean ok);
}
