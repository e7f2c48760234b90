package io.basalt.initiator.bench;

import io.netty.buffer.ByteBuf;

import java.util.zip.CRC32C;

/**
 * Self-describing block contents for verification. Every logical block written carries:
 *
 * <pre>
 *  0         4          8           16                  24                       B-4      B
 * +---------+----------+-----------+-------------------+------------------------+--------+
 * | "BSLT"  | reserved | LBA (be64)| generation (be64) | xorshift(LBA, gen) fill | CRC32C |
 * +---------+----------+-----------+-------------------+------------------------+--------+
 * </pre>
 * The CRC32C covers bytes 0..B-4, so a block can be checked on its own: it says which LBA and
 * which write it belongs to, and whether it is intact. The fill makes every write's bytes differ.
 */
final class BlockPattern {
    static final int MAGIC = 0x42534C54;
    static final int LBA_OFFSET = 8;
    static final int GENERATION_OFFSET = 16;
    static final int FILL_OFFSET = 24;
    /** check() results below zero. */
    static final long NOT_A_PATTERN = -1;
    static final long WRONG_LBA = -2;
    static final long BAD_CHECKSUM = -3;

    private final int blockSize;
    private final CRC32C crc = new CRC32C();

    BlockPattern(int blockSize) {
        if (blockSize < 64 || blockSize % 8 != 0) {
            throw new IllegalArgumentException("block size " + blockSize);
        }
        this.blockSize = blockSize;
    }

    /** Writes {@code blocks} blocks starting at {@code lba} with generation {@code gen} at {@code index}. */
    void fill(ByteBuf b, int index, long lba, int blocks, long gen) {
        for (int i = 0; i < blocks; i++) {
            int base = index + i * blockSize;
            long l = lba + i;
            b.setInt(base, MAGIC);
            b.setInt(base + 4, 0);
            b.setLong(base + LBA_OFFSET, l);
            b.setLong(base + GENERATION_OFFSET, gen);
            long x = (l * 0x9E3779B97F4A7C15L) ^ gen ^ 0x5DEECE66DL;
            int end = base + blockSize - 8;
            for (int at = base + FILL_OFFSET; at < end; at += 8) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
                b.setLong(at, x);
            }
            b.setInt(end, (int) x);
            b.setInt(base + blockSize - 4, checksum(b, base));
        }
    }

    /** The generation in the block at {@code index} if it is intact and names {@code lba}; else a negative code. */
    long check(ByteBuf b, int index, long lba) {
        if (b.getInt(index) != MAGIC) {
            return NOT_A_PATTERN;
        }
        if (b.getInt(index + blockSize - 4) != checksum(b, index)) {
            return BAD_CHECKSUM;
        }
        if (b.getLong(index + LBA_OFFSET) != lba) {
            return WRONG_LBA;
        }
        return b.getLong(index + GENERATION_OFFSET);
    }

    /** CRC32C of a whole unit, as logged for each acknowledged write. */
    int unitChecksum(ByteBuf b, int index, int length) {
        crc.reset();
        update(b, index, length);
        return (int) crc.getValue();
    }

    private int checksum(ByteBuf b, int base) {
        crc.reset();
        update(b, base, blockSize - 4);
        return (int) crc.getValue();
    }

    private void update(ByteBuf b, int index, int length) {
        if (b.hasArray()) {
            crc.update(b.array(), b.arrayOffset() + index, length);
        } else {
            crc.update(b.internalNioBuffer(index, length));
        }
    }

    static String describe(long code) {
        if (code == NOT_A_PATTERN) {
            return "no bench pattern (never written, or overwritten by something else)";
        }
        if (code == WRONG_LBA) {
            return "a block written for another LBA (misdirected write or read)";
        }
        if (code == BAD_CHECKSUM) {
            return "checksum mismatch (corrupt or torn block)";
        }
        return "generation " + code;
    }
}
