package io.basalt.target.controller;

import io.basalt.target.TargetConfig;
import io.basalt.target.transport.PortInfo;
import io.basalt.target.transport.Request;

import java.net.SocketAddress;

/**
 * The NVMe side of one connection: which controller and queue it became at Connect, and the
 * submission queue head it reports. Owned by the connection's event loop.
 */
public final class Queue {
    /** How a queue talks back to its connection. */
    public interface Transport {
        /** Completes a request that finished outside the normal flow (AER, async work); any thread. */
        void completeLater(Request req);

        /** Closes the connection; any thread. */
        void close(String reason);

        SocketAddress localAddress();

        /** The event loop that owns the connection, for timers and hand-offs. */
        io.netty.channel.EventLoop eventLoop();

        SocketAddress remoteAddress();

        /**
         * Whether a line about this connection, for this reason, may be logged now: what hosts can
         * cause at will (refusals, errors, connects) is rate-limited per remote address and reason.
         */
        boolean mayLog(String reason);
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

    public TargetConfig config() {
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
