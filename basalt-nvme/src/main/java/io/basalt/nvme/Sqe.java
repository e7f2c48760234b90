package io.basalt.nvme;

import io.netty.buffer.ByteBuf;

/**
 * Submission queue entry (command), 64 bytes, little endian. Fabrics commands (opcode 0x7F)
 * reuse byte 4 as the fabrics command type.
 *
 * <pre>
 *  0      1      2         4          8        16      24                    40             64
 * +------+------+---------+----------+--------+-------+---------------------+--------------+
 * |opcode|flags | cid le16| nsid le32| cdw2-3 | mptr  | dptr (SGL, 16 bytes)| cdw10..cdw15 |
 * +------+------+---------+----------+--------+-------+---------------------+--------------+
 * flags: bits 1:0 FUSE, bits 7:6 PSDT (10b = SGL)
 * SGL descriptor: address le64 @24, length le32 @32, reserved @36..38, identifier @39
 *                 (descriptor type in bits 7:4, subtype in bits 3:0)
 * </pre>
 */
public final class Sqe {
    public static final int LENGTH = 64;
    public static final int OPCODE_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int CID_OFFSET = 2;
    public static final int NSID_OFFSET = 4;
    public static final int FCTYPE_OFFSET = 4;
    public static final int SGL_ADDRESS_OFFSET = 24;
    public static final int SGL_LENGTH_OFFSET = 32;
    public static final int SGL_IDENTIFIER_OFFSET = 39;
    public static final int CDW10_OFFSET = 40;
    public static final int CDW11_OFFSET = 44;
    public static final int CDW12_OFFSET = 48;
    public static final int CDW13_OFFSET = 52;
    public static final int CDW14_OFFSET = 56;
    public static final int CDW15_OFFSET = 60;

    /** SGL identifier: data block descriptor, offset subtype (in-capsule data). */
    public static final int SGL_DATA_BLOCK_OFFSET = 0x01;
    /** SGL identifier: transport data block descriptor, transport-specific subtype A (data via R2T/C2HData). */
    public static final int SGL_TRANSPORT_DATA_BLOCK = 0x5A;
    /** PSDT bits (7:6) of the flags byte. */
    public static final int PSDT_MASK = 0xC0;
    /** PSDT 01b: SGLs for data, MPTR is a single contiguous buffer — the only value fabrics allow. */
    public static final int PSDT_SGL_METABUF = 0x40;
    /** FUSE bits (1:0) of the flags byte: 01b first and 10b second command of a fused operation. */
    public static final int FUSE_MASK = 0x03;

    private Sqe() {
    }

    public static int opcode(ByteBuf b, int base) {
        return b.getUnsignedByte(base + OPCODE_OFFSET);
    }

    public static int flags(ByteBuf b, int base) {
        return b.getUnsignedByte(base + FLAGS_OFFSET);
    }

    public static int fuse(ByteBuf b, int base) {
        return flags(b, base) & 0x3;
    }

    public static int psdt(ByteBuf b, int base) {
        return (flags(b, base) >> 6) & 0x3;
    }

    public static int cid(ByteBuf b, int base) {
        return b.getUnsignedShortLE(base + CID_OFFSET);
    }

    public static int nsid(ByteBuf b, int base) {
        return b.getIntLE(base + NSID_OFFSET);
    }

    public static int fctype(ByteBuf b, int base) {
        return b.getUnsignedByte(base + FCTYPE_OFFSET);
    }

    public static long sglAddress(ByteBuf b, int base) {
        return b.getLongLE(base + SGL_ADDRESS_OFFSET);
    }

    public static long sglLength(ByteBuf b, int base) {
        return b.getUnsignedIntLE(base + SGL_LENGTH_OFFSET);
    }

    public static int sglIdentifier(ByteBuf b, int base) {
        return b.getUnsignedByte(base + SGL_IDENTIFIER_OFFSET);
    }

    /** Command dword n (10..15). */
    public static int cdw(ByteBuf b, int base, int n) {
        return b.getIntLE(base + CDW10_OFFSET + (n - 10) * 4);
    }

    public static long cdw10And11(ByteBuf b, int base) {
        return b.getLongLE(base + CDW10_OFFSET);
    }
}
