package io.basalt.initiator;

import java.util.concurrent.CompletableFuture;

/** The CompletableFuture face of a command, for setup and tests. */
final class FutureCallback extends CompletableFuture<Long> implements IoCallback {
    @Override
    public void onComplete(NvmeException failure, long result) {
        if (failure != null) {
            completeExceptionally(failure);
        } else {
            complete(result);
        }
    }
}
