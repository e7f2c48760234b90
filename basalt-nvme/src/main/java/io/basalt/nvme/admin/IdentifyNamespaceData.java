package io.basalt.nvme.admin;

/**
 * The Identify Namespace data structure of the NVM command set (Identify CNS 00h), 4096 bytes:
 * the fields Basalt's target fills and its host reads, at the offsets of the NVMe NVM command set
 * specification. Multi-byte fields are little endian.
 *
 * <pre>
 *     0 nsze (le64)  |    8 ncap (le64)  |   16 nuse (le64)  |   24 nsfeat  |   25 nlbaf  |   26 flbas
 *    30 nmic         |   33 dlfeat       |   92 anagrpid (le32) | 99 nsattr  |  104 nguid[16]
 *   128 lbaf[64]: each 4 bytes, ms (le16) | lbads (log2 of the block size) | rp
 * </pre>
 */
public final class IdentifyNamespaceData {
    public static final int LENGTH = 4096;
    public static final int NSZE_OFFSET = 0;
    public static final int NCAP_OFFSET = 8;
    public static final int NUSE_OFFSET = 16;
    public static final int NSFEAT_OFFSET = 24;
    public static final int NLBAF_OFFSET = 25;
    public static final int FLBAS_OFFSET = 26;
    public static final int NMIC_OFFSET = 30;
    public static final int DLFEAT_OFFSET = 33;
    public static final int ANAGRPID_OFFSET = 92;
    /** Namespace attributes; bit 0: write protected (the Linux host then makes the disk read-only). */
    public static final int NSATTR_OFFSET = 99;
    public static final int NGUID_OFFSET = 104;
    /** LBA format 0; format N is at {@code LBAF0_OFFSET + 4 * N}. */
    public static final int LBAF0_OFFSET = 128;
    /** Within an LBA format: the LBA data size, as a power of two. */
    public static final int LBAF_LBADS = 2;

    private IdentifyNamespaceData() {
    }

    /** The index of the LBA format in use, from FLBAS (bits 3:0, and 6:5 as the upper bits). */
    public static int formatInUse(int flbas) {
        return (flbas & 0xF) | ((flbas >> 1) & 0x30);
    }
}
