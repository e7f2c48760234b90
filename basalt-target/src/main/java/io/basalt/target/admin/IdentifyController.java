package io.basalt.target.admin;

import io.basalt.target.TargetConfig;
import io.basalt.target.controller.Controller;
import io.basalt.target.controller.Registers;
import io.basalt.target.subsystem.Namespace;
import io.basalt.target.subsystem.Subsystem;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The Identify Controller data structure (CNS 01h), 4096 bytes. Field offsets follow the NVMe base
 * specification; the values are the ones the Linux host checks (see NVME-TCP-NOTES.md).
 */
public final class IdentifyController {
    public static final int LENGTH = 4096;
    static final int SN_OFFSET = 4;
    static final int MN_OFFSET = 24;
    static final int FR_OFFSET = 64;
    static final int RAB_OFFSET = 72;
    static final int CMIC_OFFSET = 76;
    static final int MDTS_OFFSET = 77;
    static final int CNTLID_OFFSET = 78;
    static final int VER_OFFSET = 80;
    static final int OAES_OFFSET = 92;
    static final int CTRATT_OFFSET = 96;
    static final int CNTRLTYPE_OFFSET = 111;
    static final int OACS_OFFSET = 256;
    static final int ACL_OFFSET = 258;
    static final int AERL_OFFSET = 259;
    static final int FRMW_OFFSET = 260;
    static final int LPA_OFFSET = 261;
    static final int ELPE_OFFSET = 262;
    static final int WCTEMP_OFFSET = 266;
    static final int CCTEMP_OFFSET = 268;
    static final int KAS_OFFSET = 320;
    static final int ANATT_OFFSET = 342;
    static final int ANACAP_OFFSET = 343;
    static final int ANAGRPMAX_OFFSET = 344;
    static final int NANAGRPID_OFFSET = 348;
    static final int SQES_OFFSET = 512;
    static final int CQES_OFFSET = 513;
    static final int MAXCMD_OFFSET = 514;
    static final int NN_OFFSET = 516;
    static final int ONCS_OFFSET = 520;
    static final int VWC_OFFSET = 525;
    static final int SGLS_OFFSET = 536;
    static final int MNAN_OFFSET = 540;
    static final int SUBNQN_OFFSET = 768;
    static final int IOCCSZ_OFFSET = 1792;
    static final int IORCSZ_OFFSET = 1796;
    static final int ICDOFF_OFFSET = 1800;
    static final int MSDBD_OFFSET = 1803;

    /** Asynchronous events supported: Namespace Attribute (bit 8) and ANA Change (bit 11) notices. */
    static final int OAES = (1 << 8) | (1 << 11);
    /** Outstanding Asynchronous Event Requests allowed, 0's based. */
    public static final int AERL = 3;
    /** Error log entries, 0's based. */
    static final int ELPE = 63;
    /** Keep Alive granularity in 100 ms units. */
    static final int KAS = 10;
    /** ONCS: Dataset Management (bit 2), Write Zeroes (bit 3), Timestamp (bit 6). */
    static final int ONCS = (1 << 2) | (1 << 3) | (1 << 6);
    /** LPA: Commands Supported and Effects log (bit 1), extended Get Log Page data (bit 2). */
    static final int LPA = (1 << 1) | (1 << 2);
    /** SGLs supported without alignment (bit 0); in-capsule data offsets (bit 20). */
    static final int SGLS = 1 | (1 << 20);
    /** The single ANA group every namespace of this brick belongs to. */
    public static final int ANA_GROUP_ID = 1;

    private IdentifyController() {
    }

    /** Fills a zeroed 4096-byte buffer at index 0 for the given controller. */
    public static void fill(ByteBuf b, Controller c, TargetConfig config) {
        Subsystem s = c.subsystem();
        boolean discovery = c.isDiscovery();
        ascii(b, SN_OFFSET, 20, s.serial());
        ascii(b, MN_OFFSET, 40, s.model());
        ascii(b, FR_OFFSET, 8, s.firmware());
        b.setByte(RAB_OFFSET, 6);
        b.setByte(MDTS_OFFSET, config.mdtsShift());
        b.setShortLE(CNTLID_OFFSET, c.cntlid());
        b.setIntLE(VER_OFFSET, Registers.VERSION);
        b.setByte(CNTRLTYPE_OFFSET, discovery ? 2 : 1);
        b.setByte(AERL_OFFSET, AERL);
        b.setByte(LPA_OFFSET, discovery ? (1 << 2) : LPA);
        b.setByte(ELPE_OFFSET, ELPE);
        b.setShortLE(KAS_OFFSET, KAS);
        b.setByte(SQES_OFFSET, 0x66);
        b.setByte(CQES_OFFSET, 0x44);
        b.setShortLE(MAXCMD_OFFSET, config.maxQueueEntries());
        b.setIntLE(SGLS_OFFSET, SGLS);
        b.setIntLE(IOCCSZ_OFFSET, (config.inCapsuleDataSize() + 64) / 16);
        b.setIntLE(IORCSZ_OFFSET, 1);
        b.setShortLE(ICDOFF_OFFSET, 0);
        b.setByte(MSDBD_OFFSET, 1);
        b.setBytes(SUBNQN_OFFSET, c.subsystemNqn().getBytes(StandardCharsets.UTF_8));
        if (discovery) {
            return;
        }
        // Multiple ports and controllers (bits 0, 1) and ANA reporting (bit 3): ready for multipath.
        b.setByte(CMIC_OFFSET, 0x0B);
        b.setIntLE(OAES_OFFSET, OAES);
        b.setByte(ACL_OFFSET, 3);
        // One read-only firmware slot.
        b.setByte(FRMW_OFFSET, (1 << 1) | 1);
        b.setShortLE(WCTEMP_OFFSET, 343);
        b.setShortLE(CCTEMP_OFFSET, 373);
        b.setByte(ANATT_OFFSET, 10);
        // Optimized, non-optimized, inaccessible, persistent loss and change states reportable.
        b.setByte(ANACAP_OFFSET, 0x1F);
        b.setIntLE(ANAGRPMAX_OFFSET, ANA_GROUP_ID);
        b.setIntLE(NANAGRPID_OFFSET, ANA_GROUP_ID);
        b.setIntLE(NN_OFFSET, s.maxNamespaces());
        b.setIntLE(MNAN_OFFSET, s.maxNamespaces());
        b.setShortLE(ONCS_OFFSET, ONCS);
        b.setByte(VWC_OFFSET, volatileWriteCacheField(c));
    }

    /**
     * VWC: bit 0 if any namespace the host sees has a volatile write cache; bits 2:1 = 10b because
     * Flush does not take the broadcast NSID.
     */
    static int volatileWriteCacheField(Controller c) {
        int vwc = 0x4;
        for (Namespace ns : c.subsystem().visibleNamespaces(c.hostNqn())) {
            if (ns.store().volatileWriteCache()) {
                vwc |= 1;
            }
        }
        return vwc;
    }

    /** Writes an ASCII string left-justified and space-padded, as Identify strings are. */
    static void ascii(ByteBuf b, int offset, int width, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < width; i++) {
            b.setByte(offset + i, i < bytes.length ? bytes[i] : ' ');
        }
    }
}
