package io.basalt.initiator;

import java.util.Objects;
import java.util.UUID;

/**
 * Host-side settings. Every default is listed here and nowhere else.
 *
 * @param hostNqn               the host NQN sent in Connect; empty connects as an anonymous host
 *                              (as SPDK's initiator does by default), which targets let see only
 *                              what is open to any host
 * @param hostId                the host identifier sent in Connect
 * @param headerDigest          ask for header digests (CRC32C) in ICReq
 * @param dataDigest            ask for data digests in ICReq
 * @param ioQueues              I/O queues to create (one TCP connection each)
 * @param queueDepth            commands in flight per I/O queue (Connect SQSIZE is this minus one)
 * @param keepAliveMillis       KATO sent in the admin Connect; keep-alive is sent every KATO/2; 0 = off
 * @param connectTimeoutMillis  TCP connect, ICResp and each step of controller setup
 * @param commandTimeoutMillis  how long a command may stay outstanding before it fails with a timeout
 * @param disableSqFlowControl  connect I/O queues with CATTR bit 2 (the target may then complete reads
 *                              with the C2HData SUCCESS flag)
 * @param reconnectDelayMillis  wait between reconnection attempts
 * @param controllerLossTimeoutMillis give up reconnecting after this long; 0 = never reconnect
 * @param eventLoops            event loop threads; 0 = one per I/O queue
 * @param nativeTransport       use epoll where available (NIO otherwise)
 * @param busyPoll              event loops spin instead of sleeping (lower latency, a busy core each)
 */
public record InitiatorConfig(String hostNqn, UUID hostId, boolean headerDigest, boolean dataDigest, int ioQueues,
                              int queueDepth, int keepAliveMillis, int connectTimeoutMillis, int commandTimeoutMillis,
                              boolean disableSqFlowControl, int reconnectDelayMillis, int controllerLossTimeoutMillis,
                              int eventLoops, boolean nativeTransport, boolean busyPoll) {
    public static final String HOST_NQN_DEFAULT = "nqn.2026-01.io.basalt:initiator";
    public static final int IO_QUEUES_DEFAULT = 1;
    public static final int QUEUE_DEPTH_DEFAULT = 128;
    /** Linux's default KATO. */
    public static final int KEEP_ALIVE_MILLIS_DEFAULT = 5000;
    /** Linux waits 10 s for ICResp. */
    public static final int CONNECT_TIMEOUT_MILLIS_DEFAULT = 10_000;
    public static final int COMMAND_TIMEOUT_MILLIS_DEFAULT = 30_000;
    public static final int RECONNECT_DELAY_MILLIS_DEFAULT = 1000;
    public static final int CONTROLLER_LOSS_TIMEOUT_MILLIS_DEFAULT = 60_000;
    /** Slot index bits of a command ID; the bits above carry a generation. */
    static final int MAX_QUEUE_DEPTH = 4096;
    /** Admin queue size, as Linux uses (SQSIZE 31). */
    static final int ADMIN_QUEUE_DEPTH = 32;

    public InitiatorConfig {
        Objects.requireNonNull(hostNqn, "hostNqn");
        Objects.requireNonNull(hostId, "hostId");
        if (hostNqn.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 223) {
            throw new IllegalArgumentException("host NQN must be at most 223 bytes");
        }
        if (ioQueues < 0 || ioQueues > 65534) {
            throw new IllegalArgumentException("ioQueues must be 0..65534");
        }
        if (queueDepth < 2 || queueDepth > MAX_QUEUE_DEPTH) {
            throw new IllegalArgumentException("queueDepth must be 2.." + MAX_QUEUE_DEPTH);
        }
        if (keepAliveMillis < 0 || connectTimeoutMillis <= 0 || commandTimeoutMillis <= 0
                || reconnectDelayMillis < 0 || controllerLossTimeoutMillis < 0 || eventLoops < 0) {
            throw new IllegalArgumentException("timeouts and counts must not be negative");
        }
    }

    public static InitiatorConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.hostNqn = hostNqn;
        b.hostId = hostId;
        b.headerDigest = headerDigest;
        b.dataDigest = dataDigest;
        b.ioQueues = ioQueues;
        b.queueDepth = queueDepth;
        b.keepAliveMillis = keepAliveMillis;
        b.connectTimeoutMillis = connectTimeoutMillis;
        b.commandTimeoutMillis = commandTimeoutMillis;
        b.disableSqFlowControl = disableSqFlowControl;
        b.reconnectDelayMillis = reconnectDelayMillis;
        b.controllerLossTimeoutMillis = controllerLossTimeoutMillis;
        b.eventLoops = eventLoops;
        b.nativeTransport = nativeTransport;
        b.busyPoll = busyPoll;
        return b;
    }

    /** Event loop threads to start. */
    int eventLoopThreads() {
        return eventLoops > 0 ? eventLoops : Math.max(1, ioQueues);
    }

    public static final class Builder {
        private String hostNqn = HOST_NQN_DEFAULT;
        private UUID hostId;
        private boolean headerDigest;
        private boolean dataDigest;
        private int ioQueues = IO_QUEUES_DEFAULT;
        private int queueDepth = QUEUE_DEPTH_DEFAULT;
        private int keepAliveMillis = KEEP_ALIVE_MILLIS_DEFAULT;
        private int connectTimeoutMillis = CONNECT_TIMEOUT_MILLIS_DEFAULT;
        private int commandTimeoutMillis = COMMAND_TIMEOUT_MILLIS_DEFAULT;
        private boolean disableSqFlowControl;
        private int reconnectDelayMillis = RECONNECT_DELAY_MILLIS_DEFAULT;
        private int controllerLossTimeoutMillis = CONTROLLER_LOSS_TIMEOUT_MILLIS_DEFAULT;
        private int eventLoops;
        private boolean nativeTransport = true;
        private boolean busyPoll;

        public Builder hostNqn(String v) { hostNqn = v; return this; }
        /** Defaults to a UUID derived from the host NQN, so it is stable across runs. */
        public Builder hostId(UUID v) { hostId = v; return this; }
        public Builder headerDigest(boolean v) { headerDigest = v; return this; }
        public Builder dataDigest(boolean v) { dataDigest = v; return this; }
        public Builder ioQueues(int v) { ioQueues = v; return this; }
        public Builder queueDepth(int v) { queueDepth = v; return this; }
        public Builder keepAliveMillis(int v) { keepAliveMillis = v; return this; }
        public Builder connectTimeoutMillis(int v) { connectTimeoutMillis = v; return this; }
        public Builder commandTimeoutMillis(int v) { commandTimeoutMillis = v; return this; }
        public Builder disableSqFlowControl(boolean v) { disableSqFlowControl = v; return this; }
        public Builder reconnectDelayMillis(int v) { reconnectDelayMillis = v; return this; }
        public Builder controllerLossTimeoutMillis(int v) { controllerLossTimeoutMillis = v; return this; }
        public Builder eventLoops(int v) { eventLoops = v; return this; }
        public Builder nativeTransport(boolean v) { nativeTransport = v; return this; }
        public Builder busyPoll(boolean v) { busyPoll = v; return this; }

        public InitiatorConfig build() {
            UUID id = hostId != null ? hostId
                    : UUID.nameUUIDFromBytes(hostNqn.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new InitiatorConfig(hostNqn, id, headerDigest, dataDigest, ioQueues, queueDepth, keepAliveMillis,
                    connectTimeoutMillis, commandTimeoutMillis, disableSqFlowControl, reconnectDelayMillis,
                    controllerLossTimeoutMillis, eventLoops, nativeTransport, busyPoll);
        }
    }
}
