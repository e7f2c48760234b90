package io.basalt.csi.rpc;

import io.basalt.api.ApiException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The gRPC statuses the CSI spec names, made in one place so every service answers a case with the
 * same code. A refusal of the REST API becomes the code the spec gives for it at the boundary
 * ({@link #fromApi}); the reason keeps the API's words, so an operator reading the CO's events sees
 * what the brick said.
 */
public final class CsiErrors {
    private CsiErrors() {
    }

    public static StatusRuntimeException invalid(String reason) {
        return Status.INVALID_ARGUMENT.withDescription(reason).asRuntimeException();
    }

    public static StatusRuntimeException notFound(String reason) {
        return Status.NOT_FOUND.withDescription(reason).asRuntimeException();
    }

    public static StatusRuntimeException alreadyExists(String reason) {
        return Status.ALREADY_EXISTS.withDescription(reason).asRuntimeException();
    }

    public static StatusRuntimeException outOfRange(String reason) {
        return Status.OUT_OF_RANGE.withDescription(reason).asRuntimeException();
    }

    public static StatusRuntimeException failedPrecondition(String reason) {
        return Status.FAILED_PRECONDITION.withDescription(reason).asRuntimeException();
    }

    public static StatusRuntimeException aborted(String reason) {
        return Status.ABORTED.withDescription(reason).asRuntimeException();
    }

    public static StatusRuntimeException resourceExhausted(String reason) {
        return Status.RESOURCE_EXHAUSTED.withDescription(reason).asRuntimeException();
    }

    public static StatusRuntimeException unavailable(String reason) {
        return Status.UNAVAILABLE.withDescription(reason).asRuntimeException();
    }

    public static StatusRuntimeException internal(String reason) {
        return Status.INTERNAL.withDescription(reason).asRuntimeException();
    }

    /**
     * The default translation of an API refusal; callers that know better (a 409 on create is
     * ALREADY_EXISTS, a 400 on a page token is ABORTED) check the status first.
     */
    public static StatusRuntimeException fromApi(String what, ApiException e) {
        String reason = what + ": " + e.reason();
        return switch (e.status()) {
            case 400 -> invalid(reason);
            case 401 -> Status.UNAUTHENTICATED.withDescription(reason).asRuntimeException();
            case 403 -> Status.PERMISSION_DENIED.withDescription(reason).asRuntimeException();
            case 404 -> notFound(reason);
            case 409 -> failedPrecondition(reason);
            case 422 -> failedPrecondition(reason);
            case 503 -> unavailable(reason);
            default -> internal(reason + " (HTTP " + e.status() + ")");
        };
    }
}
