package io.basalt.initiator;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The parts of Identify Controller (CNS 01h) a host needs, parsed from the 4096-byte structure.
 *
 * @param mdts   maximum data transfer size as a power of two of the minimum page size; 0 = no limit
 * @param kas    keep-alive granularity in units of 100 ms
 * @param ioccsz I/O queue command capsule size in 16-byte units (64 bytes of SQE included)
 * @param iorcsz I/O queue response capsule size in 16-byte units
 */
public record ControllerInfo(int vid, String serial, String model, String firmware, int cmic, int mdts, int cntlid,
                             int version, int cntrltype, int kas, int sqes, int cqes, int maxcmd, int nn, int oncs,
                             int vwc, int sgls, String subnqn, int ioccsz, int iorcsz, int icdoff, int msdbd) {
    public static final int LENGTH = 4096;
    static final int VID_OFFSET = 0;
    static final int SN_OFFSET = 4;
    static final int MN_OFFSET = 24;
    static final int FR_OFFSET = 64;
    static final int CMIC_OFFSET = 76;
    static final int MDTS_OFFSET = 77;
    static final int CNTLID_OFFSET = 78;
    static final int VER_OFFSET = 80;
    static final int CNTRLTYPE_OFFSET = 111;
    static final int KAS_OFFSET = 320;
    static final int SQES_OFFSET = 512;
    static final int CQES_OFFSET = 513;
    static final int MAXCMD_OFFSET = 514;
    static final int NN_OFFSET = 516;
    static final int ONCS_OFFSET = 520;
    static final int VWC_OFFSET = 525;
    static final int SGLS_OFFSET = 536;
    static final int SUBNQN_OFFSET = 768;
    static final int IOCCSZ_OFFSET = 1792;
    static final int IORCSZ_OFFSET = 1796;
    static final int ICDOFF_OFFSET = 1800;
    static final int MSDBD_OFFSET = 1803;

    /** ONCS bit 2: Dataset Management. */
    public static final int ONCS_DSM = 1 << 2;
    /** ONCS bit 3: Write Zeroes. */
    public static final int ONCS_WRITE_ZEROES = 1 << 3;
    /** CNTRLTYPE 2: discovery controller. */
    public static final int CNTRLTYPE_DISCOVERY = 2;

    public static ControllerInfo parse(ByteBuf b, int base) {
        return new ControllerInfo(b.getUnsignedShortLE(base + VID_OFFSET), text(b, base + SN_OFFSET, 20),
                text(b, base + MN_OFFSET, 40), text(b, base + FR_OFFSET, 8), b.getUnsignedByte(base + CMIC_OFFSET),
                b.getUnsignedByte(base + MDTS_OFFSET), b.getUnsignedShortLE(base + CNTLID_OFFSET),
                b.getIntLE(base + VER_OFFSET), b.getUnsignedByte(base + CNTRLTYPE_OFFSET),
                b.getUnsignedShortLE(base + KAS_OFFSET), b.getUnsignedByte(base + SQES_OFFSET),
                b.getUnsignedByte(base + CQES_OFFSET), b.getUnsignedShortLE(base + MAXCMD_OFFSET),
                b.getIntLE(base + NN_OFFSET), b.getUnsignedShortLE(base + ONCS_OFFSET),
                b.getUnsignedByte(base + VWC_OFFSET), b.getIntLE(base + SGLS_OFFSET),
                text(b, base + SUBNQN_OFFSET, 256), b.getIntLE(base + IOCCSZ_OFFSET),
                b.getIntLE(base + IORCSZ_OFFSET), b.getUnsignedShortLE(base + ICDOFF_OFFSET),
                b.getUnsignedByte(base + MSDBD_OFFSET));
    }

    /** Trims trailing spaces and NULs, as the fields are padded with either. */
    static String text(ByteBuf b, int offset, int width) {
        int end = width;
        while (end > 0) {
            int c = b.getUnsignedByte(offset + end - 1);
            if (c != 0 && c != ' ') {
                break;
            }
            end--;
        }
        int nul = 0;
        while (nul < end && b.getByte(offset + nul) != 0) {
            nul++;
        }
        return b.toString(offset, nul, StandardCharsets.UTF_8);
    }

    /**
     * The checks the Linux host makes before it uses a controller (nvme_init_identify and
     * nvme_tcp_*): returns null when acceptable, else why not.
     */
    public String problem(int expectedCntlid, boolean discovery) {
        if (expectedCntlid >= 0 && cntlid != expectedCntlid) {
            return "Identify Controller reports cntlid " + cntlid + " but Connect returned " + expectedCntlid;
        }
        if (subnqn.isEmpty()) {
            return "empty subsystem NQN";
        }
        if ((sgls & 0x3) == 0) {
            return "the controller does not support SGLs";
        }
        if (discovery) {
            return null;
        }
        if (kas == 0) {
            return "keep-alive not supported (KAS 0)";
        }
        if (ioccsz < 4) {
            return "IOCCSZ " + ioccsz + " is below the minimum of 4";
        }
        if (iorcsz < 1) {
            return "IORCSZ " + iorcsz + " is below the minimum of 1";
        }
        if (maxcmd == 0) {
            return "MAXCMD is 0";
        }
        if (icdoff != 0) {
            return "ICDOFF " + icdoff + " is not supported";
        }
        return null;
    }

    /** The most in-capsule write data an I/O queue command may carry: IOCCSZ*16 - 64. */
    public int inCapsuleDataSize() {
        return Math.max(0, ioccsz * 16 - 64);
    }

    /** Maximum data transfer size in bytes (4 KiB pages, MPSMIN 0), or Integer.MAX_VALUE for no limit. */
    public int maxTransferSize() {
        return mdts == 0 || mdts > 18 ? Integer.MAX_VALUE : 4096 << mdts;
    }
}
