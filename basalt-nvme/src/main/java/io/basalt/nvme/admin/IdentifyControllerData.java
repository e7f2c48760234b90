package io.basalt.nvme.admin;

import io.basalt.nvme.FixedText;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The Identify Controller data structure (Identify CNS 01h), 4096 bytes: the fields Basalt's
 * target fills and its host reads, at the offsets of the NVMe base specification. Multi-byte
 * fields are little endian; the byte ranges not listed here are zero.
 *
 * <pre>
 *     0 vid (le16)    |    4 sn[20]        |   24 mn[40]         |   64 fr[8]         |   72 rab
 *    76 cmic          |   77 mdts          |   78 cntlid (le16)  |   80 ver (le32)    |   92 oaes (le32)
 *   111 cntrltype
 *   258 acl           |  259 aerl          |  260 frmw           |  261 lpa           |  262 elpe
 *   266 wctemp (le16) |  268 cctemp (le16) |  320 kas (le16)
 *   342 anatt         |  343 anacap        |  344 anagrpmax (le32) | 348 nanagrpid (le32)
 *   512 sqes          |  513 cqes          |  514 maxcmd (le16)  |  516 nn (le32)     |  520 oncs (le16)
 *   525 vwc           |  536 sgls (le32)   |  540 mnan (le32)
 *   768 subnqn[256]   (UTF-8, NUL-terminated)
 *  1792 ioccsz (le32) | 1796 iorcsz (le32) | 1800 icdoff (le16) | 1803 msdbd         (NVMe over Fabrics)
 * </pre>
 *
 * Static accessors read and write at an absolute index ({@code base} is where the structure
 * starts), as {@link io.basalt.nvme.tcp.CommonHeader} does: one flyweight serves every buffer.
 * Strings are written space-padded and read with trailing spaces and NULs dropped.
 */
public final class IdentifyControllerData {
    public static final int LENGTH = 4096;
    public static final int VID_OFFSET = 0;
    public static final int SN_OFFSET = 4;
    public static final int MN_OFFSET = 24;
    public static final int FR_OFFSET = 64;
    public static final int RAB_OFFSET = 72;
    public static final int CMIC_OFFSET = 76;
    public static final int MDTS_OFFSET = 77;
    public static final int CNTLID_OFFSET = 78;
    public static final int VER_OFFSET = 80;
    public static final int OAES_OFFSET = 92;
    public static final int CNTRLTYPE_OFFSET = 111;
    public static final int ACL_OFFSET = 258;
    public static final int AERL_OFFSET = 259;
    public static final int FRMW_OFFSET = 260;
    public static final int LPA_OFFSET = 261;
    public static final int ELPE_OFFSET = 262;
    public static final int WCTEMP_OFFSET = 266;
    public static final int CCTEMP_OFFSET = 268;
    public static final int KAS_OFFSET = 320;
    public static final int ANATT_OFFSET = 342;
    public static final int ANACAP_OFFSET = 343;
    public static final int ANAGRPMAX_OFFSET = 344;
    public static final int NANAGRPID_OFFSET = 348;
    public static final int SQES_OFFSET = 512;
    public static final int CQES_OFFSET = 513;
    public static final int MAXCMD_OFFSET = 514;
    public static final int NN_OFFSET = 516;
    public static final int ONCS_OFFSET = 520;
    public static final int VWC_OFFSET = 525;
    /** CMIC bit 0: the subsystem may have more than one port. */
    public static final int CMIC_MULTI_PORT = 0x01;
    /** CMIC bit 1: the subsystem may have more than one controller. */
    public static final int CMIC_MULTI_CONTROLLER = 0x02;
    /** CMIC bit 3: the controller reports Asymmetric Namespace Access. */
    public static final int CMIC_ANA_REPORTING = 0x08;
    public static final int SGLS_OFFSET = 536;
    public static final int MNAN_OFFSET = 540;
    public static final int SUBNQN_OFFSET = 768;
    public static final int IOCCSZ_OFFSET = 1792;
    public static final int IORCSZ_OFFSET = 1796;
    public static final int ICDOFF_OFFSET = 1800;
    public static final int MSDBD_OFFSET = 1803;

    public static final int SN_LENGTH = 20;
    public static final int MN_LENGTH = 40;
    public static final int FR_LENGTH = 8;
    public static final int SUBNQN_LENGTH = 256;

    /** CNTRLTYPE: I/O controller. */
    public static final int CNTRLTYPE_IO = 1;
    /** CNTRLTYPE: discovery controller. */
    public static final int CNTRLTYPE_DISCOVERY = 2;
    /** ONCS bit 2: Dataset Management. */
    public static final int ONCS_DSM = 1 << 2;
    /** ONCS bit 3: Write Zeroes. */
    public static final int ONCS_WRITE_ZEROES = 1 << 3;
    /** ONCS bit 6: the Timestamp feature. */
    public static final int ONCS_TIMESTAMP = 1 << 6;

    private IdentifyControllerData() {
    }

    /** PCI vendor ID. */
    public static int vid(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + VID_OFFSET);
    }

    public static void vid(ByteBuf b, int base, int value) {
        b.setShortLE(base + VID_OFFSET, value);
    }

    /** Serial number, ASCII, space-padded. */
    public static String sn(ByteBuf b, int base) {
        return FixedText.read(b, base + SN_OFFSET, SN_LENGTH);
    }

    public static void sn(ByteBuf b, int base, String value) {
        FixedText.writeSpacePadded(b, base + SN_OFFSET, SN_LENGTH, value);
    }

    /** Model number, ASCII, space-padded. */
    public static String mn(ByteBuf b, int base) {
        return FixedText.read(b, base + MN_OFFSET, MN_LENGTH);
    }

    public static void mn(ByteBuf b, int base, String value) {
        FixedText.writeSpacePadded(b, base + MN_OFFSET, MN_LENGTH, value);
    }

    /** Firmware revision, ASCII, space-padded. */
    public static String fr(ByteBuf b, int base) {
        return FixedText.read(b, base + FR_OFFSET, FR_LENGTH);
    }

    public static void fr(ByteBuf b, int base, String value) {
        FixedText.writeSpacePadded(b, base + FR_OFFSET, FR_LENGTH, value);
    }

    /** Recommended arbitration burst, as a power of two. */
    public static int rab(ByteBuf b, int base) {
        return b.getUnsignedByte(base + RAB_OFFSET);
    }

    public static void rab(ByteBuf b, int base, int value) {
        b.setByte(base + RAB_OFFSET, value);
    }

    /** Multi-path I/O and namespace sharing capabilities. */
    public static int cmic(ByteBuf b, int base) {
        return b.getUnsignedByte(base + CMIC_OFFSET);
    }

    public static void cmic(ByteBuf b, int base, int value) {
        b.setByte(base + CMIC_OFFSET, value);
    }

    /** Maximum data transfer size as a power of two of the minimum page size; 0 = no limit. */
    public static int mdts(ByteBuf b, int base) {
        return b.getUnsignedByte(base + MDTS_OFFSET);
    }

    public static void mdts(ByteBuf b, int base, int value) {
        b.setByte(base + MDTS_OFFSET, value);
    }

    /** Controller ID. */
    public static int cntlid(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + CNTLID_OFFSET);
    }

    public static void cntlid(ByteBuf b, int base, int value) {
        b.setShortLE(base + CNTLID_OFFSET, value);
    }

    /** Version, as in the VS property. */
    public static int ver(ByteBuf b, int base) {
        return b.getIntLE(base + VER_OFFSET);
    }

    public static void ver(ByteBuf b, int base, int value) {
        b.setIntLE(base + VER_OFFSET, value);
    }

    /** Optional asynchronous events supported. */
    public static int oaes(ByteBuf b, int base) {
        return b.getIntLE(base + OAES_OFFSET);
    }

    public static void oaes(ByteBuf b, int base, int value) {
        b.setIntLE(base + OAES_OFFSET, value);
    }

    /** Controller type: {@link #CNTRLTYPE_IO} or {@link #CNTRLTYPE_DISCOVERY}. */
    public static int cntrltype(ByteBuf b, int base) {
        return b.getUnsignedByte(base + CNTRLTYPE_OFFSET);
    }

    public static void cntrltype(ByteBuf b, int base, int value) {
        b.setByte(base + CNTRLTYPE_OFFSET, value);
    }

    /** Abort command limit, 0's based. */
    public static int acl(ByteBuf b, int base) {
        return b.getUnsignedByte(base + ACL_OFFSET);
    }

    public static void acl(ByteBuf b, int base, int value) {
        b.setByte(base + ACL_OFFSET, value);
    }

    /** Asynchronous event request limit, 0's based. */
    public static int aerl(ByteBuf b, int base) {
        return b.getUnsignedByte(base + AERL_OFFSET);
    }

    public static void aerl(ByteBuf b, int base, int value) {
        b.setByte(base + AERL_OFFSET, value);
    }

    /** Firmware updates: slots and whether slot 1 is read-only. */
    public static int frmw(ByteBuf b, int base) {
        return b.getUnsignedByte(base + FRMW_OFFSET);
    }

    public static void frmw(ByteBuf b, int base, int value) {
        b.setByte(base + FRMW_OFFSET, value);
    }

    /** Log page attributes. */
    public static int lpa(ByteBuf b, int base) {
        return b.getUnsignedByte(base + LPA_OFFSET);
    }

    public static void lpa(ByteBuf b, int base, int value) {
        b.setByte(base + LPA_OFFSET, value);
    }

    /** Error log page entries, 0's based. */
    public static int elpe(ByteBuf b, int base) {
        return b.getUnsignedByte(base + ELPE_OFFSET);
    }

    public static void elpe(ByteBuf b, int base, int value) {
        b.setByte(base + ELPE_OFFSET, value);
    }

    /** Warning composite temperature threshold, in kelvin. */
    public static int wctemp(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + WCTEMP_OFFSET);
    }

    public static void wctemp(ByteBuf b, int base, int value) {
        b.setShortLE(base + WCTEMP_OFFSET, value);
    }

    /** Critical composite temperature threshold, in kelvin. */
    public static int cctemp(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + CCTEMP_OFFSET);
    }

    public static void cctemp(ByteBuf b, int base, int value) {
        b.setShortLE(base + CCTEMP_OFFSET, value);
    }

    /** Keep-alive granularity in units of 100 ms; 0 = keep alive not supported. */
    public static int kas(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + KAS_OFFSET);
    }

    public static void kas(ByteBuf b, int base, int value) {
        b.setShortLE(base + KAS_OFFSET, value);
    }

    /** ANA transition time in seconds. */
    public static int anatt(ByteBuf b, int base) {
        return b.getUnsignedByte(base + ANATT_OFFSET);
    }

    public static void anatt(ByteBuf b, int base, int value) {
        b.setByte(base + ANATT_OFFSET, value);
    }

    /** ANA capabilities: the states reported. */
    public static int anacap(ByteBuf b, int base) {
        return b.getUnsignedByte(base + ANACAP_OFFSET);
    }

    public static void anacap(ByteBuf b, int base, int value) {
        b.setByte(base + ANACAP_OFFSET, value);
    }

    /** Largest ANA group ID. */
    public static int anagrpmax(ByteBuf b, int base) {
        return b.getIntLE(base + ANAGRPMAX_OFFSET);
    }

    public static void anagrpmax(ByteBuf b, int base, int value) {
        b.setIntLE(base + ANAGRPMAX_OFFSET, value);
    }

    /** Number of ANA group IDs. */
    public static int nanagrpid(ByteBuf b, int base) {
        return b.getIntLE(base + NANAGRPID_OFFSET);
    }

    public static void nanagrpid(ByteBuf b, int base, int value) {
        b.setIntLE(base + NANAGRPID_OFFSET, value);
    }

    /** Submission queue entry size: required (bits 3:0) and maximum (bits 7:4), powers of two. */
    public static int sqes(ByteBuf b, int base) {
        return b.getUnsignedByte(base + SQES_OFFSET);
    }

    public static void sqes(ByteBuf b, int base, int value) {
        b.setByte(base + SQES_OFFSET, value);
    }

    /** Completion queue entry size: required (bits 3:0) and maximum (bits 7:4), powers of two. */
    public static int cqes(ByteBuf b, int base) {
        return b.getUnsignedByte(base + CQES_OFFSET);
    }

    public static void cqes(ByteBuf b, int base, int value) {
        b.setByte(base + CQES_OFFSET, value);
    }

    /** Most outstanding commands per queue. */
    public static int maxcmd(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + MAXCMD_OFFSET);
    }

    public static void maxcmd(ByteBuf b, int base, int value) {
        b.setShortLE(base + MAXCMD_OFFSET, value);
    }

    /** Number of namespaces (largest NSID). */
    public static int nn(ByteBuf b, int base) {
        return b.getIntLE(base + NN_OFFSET);
    }

    public static void nn(ByteBuf b, int base, int value) {
        b.setIntLE(base + NN_OFFSET, value);
    }

    /** Optional NVM commands supported, e.g. {@link #ONCS_DSM}. */
    public static int oncs(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + ONCS_OFFSET);
    }

    public static void oncs(ByteBuf b, int base, int value) {
        b.setShortLE(base + ONCS_OFFSET, value);
    }

    /** Volatile write cache: present (bit 0), Flush with the broadcast NSID (bits 2:1). */
    public static int vwc(ByteBuf b, int base) {
        return b.getUnsignedByte(base + VWC_OFFSET);
    }

    public static void vwc(ByteBuf b, int base, int value) {
        b.setByte(base + VWC_OFFSET, value);
    }

    /** SGL support: bits 1:0 non-zero if SGLs are supported. */
    public static int sgls(ByteBuf b, int base) {
        return b.getIntLE(base + SGLS_OFFSET);
    }

    public static void sgls(ByteBuf b, int base, int value) {
        b.setIntLE(base + SGLS_OFFSET, value);
    }

    /** Maximum number of allowed namespaces. */
    public static int mnan(ByteBuf b, int base) {
        return b.getIntLE(base + MNAN_OFFSET);
    }

    public static void mnan(ByteBuf b, int base, int value) {
        b.setIntLE(base + MNAN_OFFSET, value);
    }

    /** Subsystem NQN, UTF-8, NUL-terminated. */
    public static String subnqn(ByteBuf b, int base) {
        return FixedText.read(b, base + SUBNQN_OFFSET, SUBNQN_LENGTH);
    }

    public static void subnqn(ByteBuf b, int base, String value) {
        b.setBytes(base + SUBNQN_OFFSET, value.getBytes(StandardCharsets.UTF_8));
    }

    /** I/O queue command capsule size in 16-byte units (the 64-byte SQE included). */
    public static int ioccsz(ByteBuf b, int base) {
        return b.getIntLE(base + IOCCSZ_OFFSET);
    }

    public static void ioccsz(ByteBuf b, int base, int value) {
        b.setIntLE(base + IOCCSZ_OFFSET, value);
    }

    /** I/O queue response capsule size in 16-byte units. */
    public static int iorcsz(ByteBuf b, int base) {
        return b.getIntLE(base + IORCSZ_OFFSET);
    }

    public static void iorcsz(ByteBuf b, int base, int value) {
        b.setIntLE(base + IORCSZ_OFFSET, value);
    }

    /** In-capsule data offset in 16-byte units. */
    public static int icdoff(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + ICDOFF_OFFSET);
    }

    public static void icdoff(ByteBuf b, int base, int value) {
        b.setShortLE(base + ICDOFF_OFFSET, value);
    }

    /** Maximum SGL data block descriptors per command. */
    public static int msdbd(ByteBuf b, int base) {
        return b.getUnsignedByte(base + MSDBD_OFFSET);
    }

    public static void msdbd(ByteBuf b, int base, int value) {
        b.setByte(base + MSDBD_OFFSET, value);
    }
}
