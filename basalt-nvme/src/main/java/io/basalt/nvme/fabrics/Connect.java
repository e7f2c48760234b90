package io.basalt.nvme.fabrics;

/**
 * The Fabrics Connect command (its fields in the submission queue entry) and its 1024-byte data,
 * as NVMe over Fabrics lays them out. Multi-byte fields are little endian.
 */
public final class Connect {
    // Command fields (SQE offsets).
    public static final int RECFMT_OFFSET = 40;
    public static final int QID_OFFSET = 42;
    public static final int SQSIZE_OFFSET = 44;
    public static final int CATTR_OFFSET = 46;
    public static final int KATO_OFFSET = 48;
    /** CATTR bit 2: the host disables SQ flow control. */
    public static final int CATTR_DISABLE_SQ_FLOW_CONTROL = 0x04;

    // Data fields.
    public static final int DATA_LENGTH = 1024;
    public static final int HOSTID_OFFSET = 0;
    public static final int CNTLID_OFFSET = 16;
    public static final int SUBNQN_OFFSET = 256;
    public static final int HOSTNQN_OFFSET = 512;
    public static final int NQN_FIELD_LENGTH = 256;
    /** The controller ID a host sends to ask for any controller (dynamic model). */
    public static final int CNTLID_DYNAMIC = 0xFFFF;

    private Connect() {
    }
}
