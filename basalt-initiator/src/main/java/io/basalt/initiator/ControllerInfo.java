package io.basalt.initiator;

import io.basalt.nvme.admin.IdentifyControllerData;
import io.netty.buffer.ByteBuf;

/**
 * The parts of Identify Controller (CNS 01h) a host needs, parsed from the 4096-byte structure
 * laid out by {@link IdentifyControllerData}.
 *
 * @param mdts   maximum data transfer size as a power of two of the minimum page size; 0 = no limit
 * @param kas    keep-alive granularity in units of 100 ms
 * @param ioccsz I/O queue command capsule size in 16-byte units (64 bytes of SQE included)
 * @param iorcsz I/O queue response capsule size in 16-byte units
 */
public record ControllerInfo(int vid, String serial, String model, String firmware, int cmic, int mdts, int cntlid,
                             int version, int cntrltype, int kas, int sqes, int cqes, int maxcmd, int nn, int oncs,
                             int vwc, int sgls, String subnqn, int ioccsz, int iorcsz, int icdoff, int msdbd) {
    /** Same as {@link IdentifyControllerData#ONCS_DSM}. */
    public static final int ONCS_DSM = IdentifyControllerData.ONCS_DSM;
    /** Same as {@link IdentifyControllerData#ONCS_WRITE_ZEROES}. */
    public static final int ONCS_WRITE_ZEROES = IdentifyControllerData.ONCS_WRITE_ZEROES;

    /** Reads the structure that starts at {@code base}. */
    public static ControllerInfo parse(ByteBuf b, int base) {
        return new ControllerInfo(IdentifyControllerData.vid(b, base), IdentifyControllerData.sn(b, base),
                IdentifyControllerData.mn(b, base), IdentifyControllerData.fr(b, base),
                IdentifyControllerData.cmic(b, base), IdentifyControllerData.mdts(b, base),
                IdentifyControllerData.cntlid(b, base), IdentifyControllerData.ver(b, base),
                IdentifyControllerData.cntrltype(b, base), IdentifyControllerData.kas(b, base),
                IdentifyControllerData.sqes(b, base), IdentifyControllerData.cqes(b, base),
                IdentifyControllerData.maxcmd(b, base), IdentifyControllerData.nn(b, base),
                IdentifyControllerData.oncs(b, base), IdentifyControllerData.vwc(b, base),
                IdentifyControllerData.sgls(b, base), IdentifyControllerData.subnqn(b, base),
                IdentifyControllerData.ioccsz(b, base), IdentifyControllerData.iorcsz(b, base),
                IdentifyControllerData.icdoff(b, base), IdentifyControllerData.msdbd(b, base));
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
