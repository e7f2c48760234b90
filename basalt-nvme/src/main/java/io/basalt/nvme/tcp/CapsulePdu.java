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

    private CapsulePdu() {
    }
}
