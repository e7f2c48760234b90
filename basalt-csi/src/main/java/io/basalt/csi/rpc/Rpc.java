package io.basalt.csi.rpc;

import io.basalt.api.ApiException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.function.Supplier;

/**
 * Runs one unary RPC and completes it exactly once: the answer, or the error as a gRPC status. A
 * status thrown on purpose goes out as it is; an API refusal nobody translated gets the default
 * translation; an API that does not answer is UNAVAILABLE (the CO retries); anything else is a bug,
 * logged and answered INTERNAL.
 */
public final class Rpc {
    private static final Logger LOG = LoggerFactory.getLogger(Rpc.class);

    private Rpc() {
    }

    public static <T> void unary(String name, StreamObserver<T> out, Supplier<T> body) {
        T answer;
        try {
            answer = body.get();
        } catch (StatusRuntimeException e) {
            LOG.debug("{}: {}", name, e.getStatus());
            out.onError(e);
            return;
        } catch (ApiException e) {
            out.onError(CsiErrors.fromApi(name, e));
            return;
        } catch (UncheckedIOException e) {
            out.onError(CsiErrors.unavailable(name + ": " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            LOG.error("{} failed", name, e);
            out.onError(CsiErrors.internal(name + ": " + e));
            return;
        }
        out.onNext(answer);
        out.onCompleted();
    }
}
