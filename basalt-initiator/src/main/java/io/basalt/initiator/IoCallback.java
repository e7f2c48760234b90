package io.basalt.initiator;

/**
 * Completion of one command, called exactly once on the queue's event loop. Implement it on a
 * reusable per-I/O object to submit without allocating; the callback may submit again at once.
 */
@FunctionalInterface
public interface IoCallback {
    /**
     * @param failure null on success; otherwise {@link NvmeStatusException} (the controller said no),
     *                {@link NvmeTimeoutException} or {@link NvmeTransportException}
     * @param result  completion dword 0 and 1 (dw0 in the low half) on success
     */
    void onComplete(NvmeException failure, long result);
}
