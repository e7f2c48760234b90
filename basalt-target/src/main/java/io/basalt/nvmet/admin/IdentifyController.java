package io.basalt.nvmet.admin;

import io.basalt.nvme.admin.IdentifyControllerData;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.controller.ProtocolLimits;
import io.basalt.nvmet.controller.Registers;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import io.netty.buffer.ByteBuf;

/**
 * Fills the Identify Controller data structure (CNS 01h) for one controller: the layout is
 * {@link IdentifyControllerData}'s, the values are the ones the Linux host checks (see
 * NVME-TCP-NOTES.md).
 */
public final class IdentifyController {
    /** Same as {@link IdentifyControllerData#LENGTH}. */
    public static final int LENGTH = IdentifyControllerData.LENGTH;

    /** Asynchronous events supported: Namespace Attribute (bit 8) and ANA Change (bit 11) notices. */
    static final int OAES = (1 << 8) | (1 << 11);
    /** Asynchronous events a multi-brick subsystem's discovery controller supports: log page change. */
    static final int OAES_DISCOVERY_LOG_CHANGE = 1 << 31;
    /** Outstanding Asynchronous Event Requests allowed, 0's based. */
    public static final int AERL = 3;
    /** Error log entries, 0's based. */
    static final int ELPE = 63;
    /** Keep Alive granularity in 100 ms units. */
    static final int KAS = 10;
    /** ONCS: Dataset Management (bit 2), Write Zeroes (bit 3), Timestamp (bit 6). */
    static final int ONCS = IdentifyControllerData.ONCS_DSM | IdentifyControllerData.ONCS_WRITE_ZEROES
            | IdentifyControllerData.ONCS_TIMESTAMP;
    /** LPA: Commands Supported and Effects log (bit 1), extended Get Log Page data (bit 2). */
    static final int LPA = (1 << 1) | (1 << 2);
    /** SGLs supported without alignment (bit 0); in-capsule data offsets (bit 20). */
    static final int SGLS = 1 | (1 << 20);

    private IdentifyController() {
    }

    /** Fills a zeroed 4096-byte buffer at index 0 for the given controller. */
    public static void fill(ByteBuf b, Controller c, ProtocolLimits config) {
        Subsystem s = c.subsystem();
        boolean discovery = c.isDiscovery();
        IdentifyControllerData.sn(b, 0, s.serial());
        IdentifyControllerData.mn(b, 0, s.model());
        IdentifyControllerData.fr(b, 0, s.firmware());
        IdentifyControllerData.rab(b, 0, 6);
        IdentifyControllerData.mdts(b, 0, config.mdtsShift());
        IdentifyControllerData.cntlid(b, 0, c.cntlid());
        IdentifyControllerData.ver(b, 0, Registers.VERSION);
        IdentifyControllerData.cntrltype(b, 0,
                discovery ? IdentifyControllerData.CNTRLTYPE_DISCOVERY : IdentifyControllerData.CNTRLTYPE_IO);
        IdentifyControllerData.aerl(b, 0, AERL);
        IdentifyControllerData.lpa(b, 0, discovery ? (1 << 2) : LPA);
        IdentifyControllerData.elpe(b, 0, ELPE);
        IdentifyControllerData.kas(b, 0, KAS);
        IdentifyControllerData.sqes(b, 0, 0x66);
        IdentifyControllerData.cqes(b, 0, 0x44);
        IdentifyControllerData.maxcmd(b, 0, config.maxQueueEntries());
        IdentifyControllerData.sgls(b, 0, SGLS);
        IdentifyControllerData.ioccsz(b, 0, (config.inCapsuleDataSize() + 64) / 16);
        IdentifyControllerData.iorcsz(b, 0, 1);
        IdentifyControllerData.icdoff(b, 0, 0);
        IdentifyControllerData.msdbd(b, 0, 1);
        IdentifyControllerData.subnqn(b, 0, c.subsystemNqn());
        if (discovery) {
            if (s.multipath().anaGroupPerNamespace()) {
                // Bricks join and leave a cluster: persistent discovery hosts should hear of it.
                IdentifyControllerData.oaes(b, 0, OAES_DISCOVERY_LOG_CHANGE);
            }
            return;
        }
        // Multiple ports and controllers, and ANA reporting: ready for multipath.
        IdentifyControllerData.cmic(b, 0, IdentifyControllerData.CMIC_MULTI_PORT
                | IdentifyControllerData.CMIC_MULTI_CONTROLLER | IdentifyControllerData.CMIC_ANA_REPORTING);
        IdentifyControllerData.oaes(b, 0, OAES);
        IdentifyControllerData.acl(b, 0, 3);
        // One read-only firmware slot.
        IdentifyControllerData.frmw(b, 0, (1 << 1) | 1);
        IdentifyControllerData.wctemp(b, 0, 343);
        IdentifyControllerData.cctemp(b, 0, 373);
        IdentifyControllerData.anatt(b, 0, s.multipath().anaTransitionSeconds());
        // Optimized, non-optimized, inaccessible, persistent loss and change states reportable.
        IdentifyControllerData.anacap(b, 0, 0x1F);
        // Group IDs run 1..ANAGRPMAX and there may be that many: the host sizes its ANA log buffer
        // with NANAGRPID, so every group a log page can report must be counted in it.
        IdentifyControllerData.anagrpmax(b, 0, s.maxAnaGroups());
        IdentifyControllerData.nanagrpid(b, 0, s.maxAnaGroups());
        IdentifyControllerData.nn(b, 0, s.maxNamespaces());
        IdentifyControllerData.mnan(b, 0, s.maxNamespaces());
        IdentifyControllerData.oncs(b, 0, ONCS);
        IdentifyControllerData.vwc(b, 0, volatileWriteCacheField(c));
    }

    /**
     * VWC: bit 0 if any namespace the host sees has a volatile write cache; bits 2:1 = 10b because
     * Flush does not take the broadcast NSID.
     */
    static int volatileWriteCacheField(Controller c) {
        int vwc = 0x4;
        for (Namespace ns : c.subsystem().visibleNamespaces(c.hostNqn())) {
            if (ns.volume().store().volatileWriteCache()) {
                vwc |= 1;
            }
        }
        return vwc;
    }
}
