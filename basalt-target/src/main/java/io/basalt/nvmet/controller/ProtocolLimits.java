package io.basalt.nvmet.controller;

/**
 * The protocol limits a target advertises and enforces: what controllers, command sets and
 * transports read of the target's settings. {@code io.basalt.nvmet.TargetConfig} holds them with
 * their defaults; this view keeps the packages below the target's entry point from depending on
 * it, so that the entry point can depend on them without a cycle.
 */
public interface ProtocolLimits {
    /** The largest H2CData PDU data the target accepts (MAXH2CDATA). */
    int maxH2cData();

    /** The most in-capsule write data on I/O queues (IOCCSZ*16 - 64). */
    int inCapsuleDataSize();

    /** Maximum data transfer size as a power of two of 4 KiB pages (MDTS). */
    int mdtsShift();

    /** The largest queue a host may create (MQES + 1). */
    int maxQueueEntries();

    /** The most I/O queues per controller. */
    int maxIoQueues();

    /** Maximum data transfer size in bytes. */
    int maxTransferSize();

    /** The lowest controller ID this target hands out. */
    int minCntlid();

    /** The highest controller ID this target hands out. */
    int maxCntlid();

    /** The I/O port's identifier within the subsystem, which discovery log entries report. */
    int portId();
}
