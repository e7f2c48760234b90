package io.basalt.nvmet.admin;

import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.volume.Volume;
import io.netty.buffer.ByteBuf;
import io.basalt.nvme.admin.IdentifyNamespaceData;

import static io.basalt.nvme.admin.IdentifyNamespaceData.ANAGRPID_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.DLFEAT_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.FLBAS_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.LBAF0_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.LBAF_LBADS;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NCAP_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NGUID_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NLBAF_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NMIC_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NSATTR_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NSFEAT_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NSZE_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NUSE_OFFSET;

/** Identify Namespace (CNS 00h) and Namespace Identification Descriptor list (CNS 03h). */
public final class IdentifyNamespace {
    public static final int LENGTH = IdentifyNamespaceData.LENGTH;

    /** NSFEAT bit 0: thin provisioned, NUSE is meaningful. */
    static final int NSFEAT_THIN = 0x01;
    /**
     * NSFEAT bit 3 (UIDREUSE): the NGUID and EUI64 are never reused for another namespace. They
     * derive from the volume's random UUID, which no other volume gets.
     */
    static final int NSFEAT_UID_NEVER_REUSED = 0x08;
    static final int NSFEAT = NSFEAT_THIN | NSFEAT_UID_NEVER_REUSED;
    /** DLFEAT: deallocated blocks read as zeros (001b); Write Zeroes may deallocate (bit 3). */
    static final int DLFEAT = 0x01 | 0x08;

    static final int NIDT_NGUID = 2;
    static final int NIDT_UUID = 3;
    static final int NIDT_CSI = 4;

    private IdentifyNamespace() {
    }

    /** Fills a zeroed 4096-byte buffer at index 0. */
    public static void fill(ByteBuf b, Namespace ns, int anaGroupId) {
        Volume v = ns.volume();
        long blocks = v.blocks();
        long used = Math.min(blocks, (v.store().allocatedBytes() + v.blockSize() - 1) / v.blockSize());
        b.setLongLE(NSZE_OFFSET, blocks);
        b.setLongLE(NCAP_OFFSET, blocks);
        b.setLongLE(NUSE_OFFSET, used);
        b.setByte(NSFEAT_OFFSET, NSFEAT);
        b.setByte(NLBAF_OFFSET, 0);
        b.setByte(FLBAS_OFFSET, 0);
        // Shared namespace: may be attached to several controllers (multipath).
        b.setByte(NMIC_OFFSET, 1);
        b.setByte(DLFEAT_OFFSET, DLFEAT);
        b.setIntLE(ANAGRPID_OFFSET, anaGroupId);
        b.setByte(NSATTR_OFFSET, v.store().isReadOnly() ? 1 : 0);
        b.setBytes(NGUID_OFFSET, v.nguid());
        // LBA format 0: no metadata, LBA data size as a power of two, best relative performance.
        b.setByte(LBAF0_OFFSET + LBAF_LBADS, Integer.numberOfTrailingZeros(v.blockSize()));
    }

    /**
     * Fills the I/O command set independent Identify Namespace (CNS 08h): NSFEAT @0, NMIC @1,
     * ANAGRPID @4, NSATTR @8 (bit 0: write protected), NSTAT @14 (bit 0: ready).
     */
    public static void fillIndependent(ByteBuf b, Namespace ns, int anaGroupId) {
        b.setByte(0, NSFEAT);
        b.setByte(1, 1);
        b.setIntLE(4, anaGroupId);
        b.setByte(8, ns.volume().store().isReadOnly() ? 1 : 0); // NSATTR
        b.setByte(14, 1);
    }

    /** Fills the descriptor list: NGUID, UUID, and command set identifier (NVM). */
    public static void fillDescriptors(ByteBuf b, Namespace ns) {
        byte[] id = ns.volume().nguid();
        int at = 0;
        at = descriptor(b, at, NIDT_NGUID, id);
        at = descriptor(b, at, NIDT_UUID, id);
        descriptor(b, at, NIDT_CSI, new byte[] {0});
    }

    private static int descriptor(ByteBuf b, int at, int type, byte[] value) {
        b.setByte(at, type);
        b.setByte(at + 1, value.length);
        b.setBytes(at + 4, value);
        return at + 4 + value.length;
    }
}
