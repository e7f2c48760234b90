package io.basalt.nvme.tcp;

/** Bits of the common header FLAGS byte. */
public final class PduFlags {
    /** A header digest follows the PDU header. */
    public static final int HDGSTF = 0x01;
    /** A data digest follows the PDU data. */
    public static final int DDGSTF = 0x02;
    /** H2CData/C2HData: the last PDU of a data transfer. */
    public static final int LAST_PDU = 0x04;
    /** C2HData: the command completed successfully; no CapsuleResp follows. Only with LAST_PDU. */
    public static final int SUCCESS = 0x08;

    private PduFlags() {
    }
}
