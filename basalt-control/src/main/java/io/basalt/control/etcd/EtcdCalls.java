package io.basalt.control.etcd;

import io.basalt.control.MetadataStoreException;
import io.basalt.control.MetadataUnavailableException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.Set;

/**
 * Waits for jetcd's calls with the store's deadline and turns their failures into the store's
 * exceptions: no answer in time, or etcd unreachable or without a leader, is a
 * {@link MetadataUnavailableException} naming the endpoints tried; a refused request (bad argument,
 * compacted revision, permission) is a plain {@link MetadataStoreException}.
 */
final class EtcdCalls {
    /** Codes that mean "etcd refused this request", not "etcd could not be reached". */
    private static final Set<ErrorCode> REFUSALS = Set.of(ErrorCode.INVALID_ARGUMENT, ErrorCode.NOT_FOUND,
            ErrorCode.ALREADY_EXISTS, ErrorCode.PERMISSION_DENIED, ErrorCode.UNAUTHENTICATED,
            ErrorCode.RESOURCE_EXHAUSTED, ErrorCode.FAILED_PRECONDITION, ErrorCode.OUT_OF_RANGE,
            ErrorCode.UNIMPLEMENTED, ErrorCode.DATA_LOSS);

    private final List<URI> endpoints;
    private final Duration timeout;
    private final EtcdConnection connection;

    EtcdCalls(List<URI> endpoints, Duration timeout, EtcdConnection connection) {
        this.endpoints = endpoints;
        this.timeout = timeout;
        this.connection = connection;
    }

    Duration timeout() {
        return timeout;
    }

    /** The call's result, within the deadline. */
    <T> T await(CompletableFuture<T> call, String what) throws MetadataStoreException {
        try {
            T answer = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            connection.answered();
            return answer;
        } catch (TimeoutException e) {
            call.cancel(true);
            connection.unreachable();
            throw new MetadataUnavailableException(what + ": etcd at " + endpoints + " did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new MetadataStoreException(what + ": interrupted while waiting for etcd at " + endpoints, e);
        } catch (ExecutionException | CancellationException e) {
            throw translate(what, e instanceof ExecutionException ? e.getCause() : e);
        }
    }

    MetadataStoreException translate(String what, Throwable cause) {
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof EtcdException etcd && REFUSALS.contains(etcd.getErrorCode())) {
            connection.answered();
            return new MetadataStoreException(what + ": etcd at " + endpoints + " refused: " + cause.getMessage(), cause);
        }
        connection.unreachable();
        return new MetadataUnavailableException(what + ": etcd at " + endpoints + " unavailable: "
                + cause.getMessage(), cause);
    }

    /** Whether etcd refused a read at a revision because that revision is compacted. */
    static boolean isCompacted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("required revision has been compacted")) {
                return true;
            }
        }
        return false;
    }
}
