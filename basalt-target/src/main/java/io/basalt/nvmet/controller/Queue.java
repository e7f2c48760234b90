package io.basalt.nvmet.controller;

import java.net.SocketAddress;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The NVMe side of one connection: which controller and queue it became at Connect, and the
 * submission queue head it reports. Owned by the connection's event loop.
 */
public final class Queue {
    /**
     * How the controller layer talks back to a queue's connection. It names no transport type, so
     * the controller layer can serve any transport; the request-level part of the contract is
     * {@link io.basalt.nvmet.core.Transport}'s.
     */
    public interface Transport {
        /** Closes the connection; any thread. */
        void close(String reason);

        SocketAddress localAddress();

        /** The single thread that owns the connection, for timers and hand-offs. */
        ScheduledExecutorService executor();

        SocketAddress remoteAddress();

        /**
         * Whether a line about something the host did wrong (a refusal, an invalid register
         * value) may be logged now: hosts can cause them at will, so they are rate-limited per
         * remote address and reason.
         */
        boolean mayLogError(String reason);

        /**
         * Whether a line about a controller connecting, leaving or timing out may be logged now:
         * rate-limited like errors, but from a budget of its own, so that one host's errors
         * cannot hide another's keep-alive timeout.
         */
        boolean mayLogLifecycle(String reason);
    }

    private final Transport transport;
    private final ControllerRegistry registry;
    private final PortInfo port;
    private Controller controller;
    private int qid = -1;
    private int size;
    private boolean sqFlowControlDisabled;
    private int sqhd;

    public Queue(Transport transport, ControllerRegistry registry, PortInfo port) {
        this.transport = transport;
        this.registry = registry;
        this.port = port;
    }

    /** Binds the queue to a controller after a successful Connect. */
    void bind(Controller controller, int qid, int size, boolean sqFlowControlDisabled) {
        this.controller = controller;
        this.qid = qid;
        this.size = size;
        this.sqFlowControlDisabled = sqFlowControlDisabled;
    }

    public boolean connected() {
        return controller != null;
    }

    public Controller controller() {
        return controller;
    }

    public int qid() {
        return qid;
    }

    public boolean isAdmin() {
        return qid == 0;
    }

    /** Queue entries (the 0's based SQSIZE plus one); 0 before Connect. */
    public int size() {
        return size;
    }

    public ControllerRegistry registry() {
        return registry;
    }

    public ProtocolLimits config() {
        return registry.config();
    }

    public PortInfo port() {
        return port;
    }

    public Transport transport() {
        return transport;
    }

    /** Advances and returns the SQ head for a completion (0xFFFF when flow control is disabled). */
    public int nextSqhd() {
        if (sqFlowControlDisabled || size == 0) {
            return sqFlowControlDisabled ? 0xFFFF : 0;
        }
        sqhd = (sqhd + 1) % size;
        return sqhd;
    }

    public boolean sqFlowControlDisabled() {
        return sqFlowControlDisabled;
    }

    /** Called by the connection when it closes. */
    public void closed() {
        if (controller != null) {
            controller.queueClosed(this);
        }
    }
}
