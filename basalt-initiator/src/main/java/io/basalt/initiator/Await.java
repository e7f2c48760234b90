package io.basalt.initiator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting for a future on a thread that may block (controller setup, admin commands), with every
 * failure turned into the {@link NvmeException} the initiator's callers catch.
 */
final class Await {
    private Await() {
    }

    /** The future's value; on a timeout the future is cancelled and {@link NvmeTimeoutException} thrown. */
    static <T> T result(CompletableFuture<T> f, long timeoutMillis, String what) {
        try {
            return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NvmeException n) {
                throw n;
            }
            throw new NvmeTransportException(what + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            f.cancel(false);
            throw new NvmeTimeoutException(what + " did not complete within " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NvmeTransportException(what + " interrupted", e);
        }
    }
}
