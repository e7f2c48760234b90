package io.basalt.nvmet.admin;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.admin.AnaGroupDescriptor;
import io.basalt.nvme.admin.AnaLogHeader;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.subsystem.AnaState;
import io.basalt.nvmet.subsystem.MultipathConfig;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.volume.IoCounters;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builders of the log pages an I/O controller serves. Each returns a complete page. */
public final class LogPages {
    public static final int LID_ERROR = 0x01;
    public static final int LID_SMART = 0x02;
    public static final int LID_FW_SLOT = 0x03;
    public static final int LID_CHANGED_NS = 0x04;
    public static final int LID_EFFECTS = 0x05;
    public static final int LID_ANA = AnaLogHeader.LOG_PAGE_ID;

    static final int ERROR_ENTRY_LENGTH = 64;
    static final int SMART_LENGTH = 512;
    static final int FW_SLOT_LENGTH = 512;
    static final int CHANGED_NS_LENGTH = 4096;
    static final int EFFECTS_LENGTH = 4096;

    /** Command effects: supported (bit 0), changes logical block content (bit 1). */
    static final int CSUPP = 1;
    static final int LBCC = 2;

    /** When the process started, for the SMART power-on hours. */
    private static final long STARTED_NANOS = System.nanoTime();

    private LogPages() {
    }

    /** Error information: no errors recorded, so every entry is zero. */
    static ByteBuf errorLog() {
        return LogPageRequest.page(ERROR_ENTRY_LENGTH * (IdentifyController.ELPE + 1));
    }

    /** SMART / Health Information, summed over the namespaces the host sees. */
    static ByteBuf smart(Controller c) {
        ByteBuf b = LogPageRequest.page(SMART_LENGTH);
        long readCmds = 0;
        long writeCmds = 0;
        long bytesRead = 0;
        long bytesWritten = 0;
        for (Namespace ns : c.subsystem().visibleNamespaces(c.hostNqn())) {
            IoCounters counters = ns.volume().counters();
            readCmds += counters.readCommands();
            writeCmds += counters.writeCommands();
            bytesRead += counters.bytesRead();
            bytesWritten += counters.bytesWritten();
        }
        b.setShortLE(1, 273 + 30); // composite temperature in kelvin
        b.setByte(3, 100); // available spare %
        b.setByte(4, 10); // available spare threshold %
        // Data units are thousands of 512-byte units, rounded up.
        b.setLongLE(32, (bytesRead + 511_999) / 512_000);
        b.setLongLE(48, (bytesWritten + 511_999) / 512_000);
        b.setLongLE(64, readCmds);
        b.setLongLE(80, writeCmds);
        b.setLongLE(112, 1); // power cycles
        b.setLongLE(128, (System.nanoTime() - STARTED_NANOS) / 3_600_000_000_000L); // power-on hours
        return b;
    }

    /** Firmware slot information: slot 1 active, holding this build's revision. */
    static ByteBuf firmwareSlot(Controller c) {
        ByteBuf b = LogPageRequest.page(FW_SLOT_LENGTH);
        b.setByte(0, 1);
        byte[] fr = c.subsystem().firmware().getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 8; i++) {
            b.setByte(8 + i, i < fr.length ? fr[i] : ' ');
        }
        return b;
    }

    static ByteBuf changedNamespaces(Controller c, boolean retainEvent) {
        ByteBuf b = LogPageRequest.page(CHANGED_NS_LENGTH);
        int[] list = c.takeChangedNamespaces(retainEvent);
        for (int i = 0; i < list.length && i < 1024; i++) {
            b.setIntLE(i * 4, list[i]);
        }
        return b;
    }

    static ByteBuf commandEffects() {
        ByteBuf b = LogPageRequest.page(EFFECTS_LENGTH);
        int[] admin = {Opcodes.ADMIN_GET_LOG_PAGE, Opcodes.ADMIN_IDENTIFY, Opcodes.ADMIN_ABORT,
            Opcodes.ADMIN_SET_FEATURES, Opcodes.ADMIN_GET_FEATURES, Opcodes.ADMIN_ASYNC_EVENT_REQUEST,
            Opcodes.ADMIN_KEEP_ALIVE};
        for (int op : admin) {
            b.setIntLE(op * 4, CSUPP);
        }
        b.setIntLE(1024 + Opcodes.IO_FLUSH * 4, CSUPP);
        b.setIntLE(1024 + Opcodes.IO_READ * 4, CSUPP);
        b.setIntLE(1024 + Opcodes.IO_WRITE * 4, CSUPP | LBCC);
        b.setIntLE(1024 + Opcodes.IO_WRITE_ZEROES * 4, CSUPP | LBCC);
        b.setIntLE(1024 + Opcodes.IO_DATASET_MANAGEMENT * 4, CSUPP | LBCC);
        return b;
    }

    /**
     * Asymmetric Namespace Access ({@link AnaLogHeader}, {@link AnaGroupDescriptor}), as the host
     * sees it: a lone brick's one optimized group holding every namespace the host sees; with a
     * group per namespace, one group per namespace the host sees, in NSID order, each in its own
     * state. Groups of namespaces hidden from the host are left out, so the page never holds more
     * groups or NSIDs than Identify Controller told the host to make room for.
     */
    static ByteBuf ana(Controller c, int lsp) {
        Subsystem s = c.subsystem();
        List<Namespace> visible = s.visibleNamespaces(c.hostNqn());
        boolean groupsOnly = (lsp & AnaLogHeader.LSP_GROUPS_ONLY) != 0;
        if (!s.multipath().anaGroupPerNamespace()) {
            int nsids = groupsOnly ? 0 : visible.size();
            ByteBuf b = LogPageRequest.page(AnaLogHeader.LENGTH + AnaGroupDescriptor.length(nsids));
            AnaLogHeader.chgcnt(b, 0, 1);
            AnaLogHeader.ngrps(b, 0, 1);
            int d = AnaLogHeader.LENGTH;
            AnaGroupDescriptor.anagrpid(b, d, MultipathConfig.SINGLE_GROUP_ID);
            AnaGroupDescriptor.nnsids(b, d, nsids);
            AnaGroupDescriptor.chgcnt(b, d, 1);
            AnaGroupDescriptor.state(b, d, AnaState.OPTIMIZED.code());
            for (int i = 0; i < nsids; i++) {
                AnaGroupDescriptor.nsid(b, d, i, visible.get(i).nsid());
            }
            return b;
        }
        // The change count first: a state changing while the page is built shows in the next count.
        long changeCount = s.anaChangeCount();
        int perGroup = AnaGroupDescriptor.length(groupsOnly ? 0 : 1);
        ByteBuf b = LogPageRequest.page(AnaLogHeader.LENGTH + visible.size() * perGroup);
        AnaLogHeader.chgcnt(b, 0, changeCount);
        AnaLogHeader.ngrps(b, 0, visible.size());
        int d = AnaLogHeader.LENGTH;
        for (Namespace ns : visible) {
            AnaGroupDescriptor.anagrpid(b, d, s.anaGroupId(ns));
            AnaGroupDescriptor.nnsids(b, d, groupsOnly ? 0 : 1);
            AnaGroupDescriptor.chgcnt(b, d, ns.anaChangeCount());
            AnaGroupDescriptor.state(b, d, ns.anaState().code());
            if (!groupsOnly) {
                AnaGroupDescriptor.nsid(b, d, 0, ns.nsid());
            }
            d += perGroup;
        }
        return b;
    }
}
