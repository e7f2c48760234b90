package io.basalt.nvmet;

import io.basalt.netty.TcpCongestion;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.controller.ProtocolLimits;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Network and protocol settings of an {@link NvmeTcpTarget}. Every setting has a default here and
 * nowhere else.
 *
 * @param listen            where hosts connect for I/O (and discovery); port 0 picks a free port
 * @param discoveryListen   the dedicated discovery port, or null for none
 * @param maxH2cData        the largest H2CData PDU data the target accepts (MAXH2CDATA)
 * @param inCapsuleDataSize the most in-capsule write data on I/O queues (IOCCSZ*16 - 64)
 * @param mdtsShift         maximum data transfer size as a power of two of 4 KiB pages
 * @param maxQueueEntries   largest queue a host may create (MQES + 1)
 * @param maxIoQueues       the most I/O queues per controller
 * @param nativeTransport   use the epoll transport when the platform has it
 * @param ioThreads         event loops serving connections; 0 means one per available core
 * @param busyPoll          event loops spin instead of sleeping: lower latency, one busy core each
 * @param minCntlid         the lowest controller ID handed out (a brick of a cluster gets a range
 *                          disjoint from every other brick's, as hosts need IDs unique per subsystem)
 * @param maxCntlid         the highest controller ID handed out, at most 0xFFEF
 * @param portId            the I/O port's identifier in the subsystem (discovery log PORTID); distinct
 *                          per brick of a cluster
 * @param tcpCongestion     the TCP congestion control algorithm of the target's connections (Linux
 *                          {@code TCP_CONGESTION}, epoll transport only), or null for the machine's default
 */
public record TargetConfig(InetSocketAddress listen, InetSocketAddress discoveryListen, int maxH2cData,
                           int inCapsuleDataSize, int mdtsShift, int maxQueueEntries, int maxIoQueues,
                           boolean nativeTransport, int ioThreads, boolean busyPoll, int minCntlid,
                           int maxCntlid, int portId, String tcpCongestion)
        implements ProtocolLimits {
    public static final int MAX_H2C_DATA_DEFAULT = 128 * 1024;
    public static final int IN_CAPSULE_DATA_SIZE_DEFAULT = 16 * 1024;
    /** 2^8 pages of 4 KiB = 1 MiB. */
    public static final int MDTS_SHIFT_DEFAULT = 8;
    public static final int MAX_QUEUE_ENTRIES_DEFAULT = 1024;
    public static final int MAX_IO_QUEUES_DEFAULT = 64;
    public static final int IO_PORT_DEFAULT = 4420;
    public static final int DISCOVERY_PORT_DEFAULT = 8009;
    /** The whole dynamic controller ID space: a lone brick needs no range. */
    public static final int MIN_CNTLID_DEFAULT = ControllerRegistry.MIN_CNTLID;
    public static final int MAX_CNTLID_DEFAULT = ControllerRegistry.MAX_CNTLID;
    public static final int PORT_ID_DEFAULT = 1;

    public TargetConfig {
        Objects.requireNonNull(listen, "listen");
        if (maxH2cData < 4096 || maxH2cData % 4 != 0) {
            throw new IllegalArgumentException("maxH2cData must be a multiple of 4 and at least 4096");
        }
        if (inCapsuleDataSize < 8192 || inCapsuleDataSize % 16 != 0) {
            throw new IllegalArgumentException("inCapsuleDataSize must be a multiple of 16 and at least 8192");
        }
        if (mdtsShift < 1 || mdtsShift > 12) {
            throw new IllegalArgumentException("mdtsShift must be between 1 and 12");
        }
        if (maxQueueEntries < 2 || maxQueueEntries > 65536) {
            throw new IllegalArgumentException("maxQueueEntries must be between 2 and 65536");
        }
        if (maxIoQueues < 1 || maxIoQueues > 65535) {
            throw new IllegalArgumentException("maxIoQueues must be between 1 and 65535");
        }
        if (ioThreads < 0 || ioThreads > 1024) {
            throw new IllegalArgumentException("ioThreads must be between 0 (one per core) and 1024");
        }
        if (minCntlid < ControllerRegistry.MIN_CNTLID || maxCntlid > ControllerRegistry.MAX_CNTLID
                || minCntlid > maxCntlid) {
            throw new IllegalArgumentException("controller IDs must be a range within 1..0xFFEF: "
                    + minCntlid + ".." + maxCntlid);
        }
        if (portId < 0 || portId > 0xFFFF) {
            throw new IllegalArgumentException("portId must be between 0 and 65535");
        }
        if (tcpCongestion != null) {
            TcpCongestion.requireValidName(tcpCongestion);
        }
    }

    /** Defaults: I/O on 127.0.0.1:4420, discovery on 127.0.0.1:8009. */
    public static TargetConfig defaults() {
        return of(new InetSocketAddress("127.0.0.1", IO_PORT_DEFAULT),
                new InetSocketAddress("127.0.0.1", DISCOVERY_PORT_DEFAULT));
    }

    /** Default protocol settings on the given addresses. */
    public static TargetConfig of(InetSocketAddress listen, InetSocketAddress discoveryListen) {
        return new TargetConfig(listen, discoveryListen, MAX_H2C_DATA_DEFAULT, IN_CAPSULE_DATA_SIZE_DEFAULT,
                MDTS_SHIFT_DEFAULT, MAX_QUEUE_ENTRIES_DEFAULT, MAX_IO_QUEUES_DEFAULT, true, 0, false,
                MIN_CNTLID_DEFAULT, MAX_CNTLID_DEFAULT, PORT_ID_DEFAULT, null);
    }

    /** Maximum data transfer size in bytes. */
    @Override
    public int maxTransferSize() {
        return 4096 << mdtsShift;
    }

    public TargetConfig withNativeTransport(boolean use) {
        return new TargetConfig(listen, discoveryListen, maxH2cData, inCapsuleDataSize, mdtsShift,
                maxQueueEntries, maxIoQueues, use, ioThreads, busyPoll, minCntlid, maxCntlid, portId, tcpCongestion);
    }

    /** The same settings with the given event loop count (0: one per core) and polling mode. */
    public TargetConfig withEventLoops(int threads, boolean poll) {
        return new TargetConfig(listen, discoveryListen, maxH2cData, inCapsuleDataSize, mdtsShift,
                maxQueueEntries, maxIoQueues, nativeTransport, threads, poll, minCntlid, maxCntlid, portId, tcpCongestion);
    }

    /**
     * The same settings as one path of a multi-brick subsystem: controller IDs only in
     * {@code minCntlid..maxCntlid} (disjoint from the other bricks' ranges) and the I/O port
     * reported as {@code portId} in discovery log entries.
     */
    public TargetConfig withPath(int minCntlid, int maxCntlid, int portId) {
        return new TargetConfig(listen, discoveryListen, maxH2cData, inCapsuleDataSize, mdtsShift,
                maxQueueEntries, maxIoQueues, nativeTransport, ioThreads, busyPoll, minCntlid, maxCntlid, portId,
                tcpCongestion);
    }

    /**
     * The same settings with the given TCP congestion control algorithm for the target's connections
     * (null: the machine's default, {@code net.ipv4.tcp_congestion_control}). Needs the epoll transport.
     */
    public TargetConfig withTcpCongestion(String algorithm) {
        return new TargetConfig(listen, discoveryListen, maxH2cData, inCapsuleDataSize, mdtsShift,
                maxQueueEntries, maxIoQueues, nativeTransport, ioThreads, busyPoll, minCntlid, maxCntlid, portId,
                algorithm);
    }

    /** Event loops to start: the configured count, or one per available core. */
    public int eventLoopCount() {
        return ioThreads > 0 ? ioThreads : Runtime.getRuntime().availableProcessors();
    }
}
