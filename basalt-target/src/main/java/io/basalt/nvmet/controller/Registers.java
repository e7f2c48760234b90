package io.basalt.nvmet.controller;

import io.basalt.nvme.fabrics.ControllerProperties;

/**
 * Controller properties (registers) reachable by Property Get/Set, with their bit fields.
 * Offsets and layouts are those of the NVMe base specification's controller registers.
 */
public final class Registers {
    public static final int CAP = ControllerProperties.CAP;
    public static final int VS = ControllerProperties.VS;
    public static final int CC = ControllerProperties.CC;
    public static final int CSTS = ControllerProperties.CSTS;

    /** NVMe 1.4.0: new enough for namespace descriptors and ANA, old enough to avoid 2.0's CSI probing. */
    public static final int VERSION = 0x00010400;

    public static final int CC_EN = 0x1;
    public static final int CC_CSS_SHIFT = 4;
    public static final int CC_MPS_SHIFT = 7;
    public static final int CC_SHN_SHIFT = 14;
    public static final int CC_IOSQES_SHIFT = 16;
    public static final int CC_IOCQES_SHIFT = 20;

    public static final int CSTS_RDY = 0x1;
    public static final int CSTS_CFS = 0x2;
    public static final int CSTS_SHST_MASK = 0xC;
    public static final int CSTS_SHST_COMPLETE = 0x8;

    private Registers() {
    }

    /**
     * CAP: MQES (0's based), CQR, timeout in 500 ms units, NVM command set, MPSMIN = MPSMAX = 4 KiB.
     */
    public static long capabilities(int maxQueueEntries) {
        long mqes = maxQueueEntries - 1;
        long cqr = 1L << 16;
        long timeout = 30L << 24; // 15 seconds to become ready (we are ready at once)
        long cssNvm = 1L << 37;
        return mqes | cqr | timeout | cssNvm;
    }

    /** Whether CC, when enabling, asks for what we support: 64-byte SQEs, 16-byte CQEs, 4 KiB pages, NVM. */
    static boolean ccValid(int cc) {
        int iosqes = (cc >> CC_IOSQES_SHIFT) & 0xF;
        int iocqes = (cc >> CC_IOCQES_SHIFT) & 0xF;
        int mps = (cc >> CC_MPS_SHIFT) & 0xF;
        int css = (cc >> CC_CSS_SHIFT) & 0x7;
        // Discovery controllers may be enabled with IOSQES/IOCQES of 0; accept 0 or the right size.
        return (iosqes == 6 || iosqes == 0) && (iocqes == 4 || iocqes == 0) && mps == 0 && css == 0;
    }
}
