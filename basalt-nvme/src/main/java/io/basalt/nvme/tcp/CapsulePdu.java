package io.basalt.nvme.tcp;

/**
 * Layout constants of CapsuleCmd (8-byte CH + 64-byte SQE, then optional in-capsule data at PDO)
 * and CapsuleResp (8-byte CH + 16-byte CQE).
 */
public final class CapsulePdu {
    public static final int CMD_HEADER_LENGTH = 72;
    public static final int RESP_LENGTH = 24;
    /** Where the SQE starts in a CapsuleCmd, and the CQE in a CapsuleResp. */
    public static final int ENTRY_OFFSET = 8;
    /**
     * The most in-capsule data an admin-queue or fabrics command may carry: 8 KiB, what the Linux
     * host assumes (it sends Connect data in-capsule) before Identify reports the I/O queues' IOCCSZ.
     */
    public static final int ADMIN_IN_CAPSULE_LIMIT = 8192;

    private CapsulePdu() {
    }
}
