package io.basalt.engine.log;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Flyweight accessors for a batch: the unit of one device write in a segment. Little-endian.
 *
 * <pre>
 *  0      4     6      7      8        16       24     28      32        36    40       64
 * +------+-----+------+------+--------+--------+------+-------+---------+-----+--------+---------
 * |magic |vers |stream|hblks | poolId |  seq   | next | count | payload | crc |reserved| entries
 * +------+-----+------+------+--------+--------+------+-------+---------+-----+--------+---------
 * entry (32 bytes):
 *  0 type  1 flags  2 len16 (u16)  4 volumeId  8 lba (u64)  16 crc  20 seed (u32)  24 arg (u64)
 * </pre>
 *
 * {@code flags} are the payload's {@link PhysAddr} flags ({@link PhysAddr#COMPRESSED}); {@code seed}
 * is the payload's checksum and cipher domain: the volume's family id, so that clones sharing a
 * family read the same bytes. Payloads of dedup extents use {@link #EXTENT_SEED} with the extent
 * id (in {@code arg}) in place of the LBA, since many (volume, LBA) pairs read them.
 *
 * The header is {@code hblks} 4 KiB blocks; the payload area ({@code payload} bytes, a multiple of
 * 4 KiB) follows it. {@code crc} is CRC32C of the header blocks with the field read as zero.
 * Payloads lie in entry order at {@link #payloadAlignment} boundaries of the payload area.
 */
public final class BatchFormat {
    public static final int MAGIC = 0x474c5342; // "BSLG"
    /** 2: entry flags and seed (family / extent) in the payload CRC; version-1 logs are not read. */
    public static final short VERSION = 2;
    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int STREAM_OFFSET = 6;
    public static final int HEADER_BLOCKS_OFFSET = 7;
    public static final int POOL_ID_OFFSET = 8;
    public static final int SEQ_OFFSET = 16;
    public static final int NEXT_OFFSET = 24;
    public static final int COUNT_OFFSET = 28;
    public static final int PAYLOAD_BYTES_OFFSET = 32;
    public static final int CRC_OFFSET = 36;
    public static final int ENTRIES_OFFSET = 64;
    public static final int ENTRY_SIZE = 32;

    public static final int ENTRY_TYPE = 0;
    public static final int ENTRY_FLAGS = 1;
    public static final int ENTRY_LEN16 = 2;
    public static final int ENTRY_VOLUME = 4;
    public static final int ENTRY_LBA = 8;
    public static final int ENTRY_CRC = 16;
    public static final int ENTRY_SEED = 20;
    public static final int ENTRY_ARG = 24;

    /** A payload written by a host. */
    public static final byte TYPE_WRITE = 1;
    /** {@code arg} blocks from {@code lba} now read as zeros; no payload. */
    public static final byte TYPE_TRIM = 2;
    /** A payload the cleaner copied; applies only if the map still holds {@code arg}, the old address. */
    public static final byte TYPE_MOVE = 3;
    /** A unique block of a dedup volume: the payload of new extent {@code arg}, mapped at {@code lba}. */
    public static final byte TYPE_WRITE_EXTENT = 4;
    /** A duplicate: {@code lba} now refers to existing extent {@code arg}; no payload. */
    public static final byte TYPE_REF = 5;
    /** The cleaner copied extent {@code arg}'s payload; {@code lba} holds its old address. */
    public static final byte TYPE_MOVE_EXTENT = 6;
    /**
     * Volume {@code volumeId} was snapshotted here: image {@code lba} (its id) holds the volume's map
     * as of this point of the hot stream; {@code arg} is the creation time (ms); the payload is the
     * name, {@code u16 length} then UTF-8 bytes, zero-padded to 16 (seeded with the family).
     */
    public static final byte TYPE_SNAPSHOT = 7;
    /** Seed of extent payloads: no family has this id. */
    public static final int EXTENT_SEED = -1;

    public static final int BLOCK = 4096;
    /** Entries in one batch; with 512-byte blocks that is 1 MiB of payload. */
    public static final int MAX_ENTRIES = 2048;
    public static final int MAX_HEADER_BYTES = headerBytes(MAX_ENTRIES);

    private BatchFormat() {
    }

    public static int headerBytes(int entries) {
        return (ENTRIES_OFFSET + entries * ENTRY_SIZE + BLOCK - 1) / BLOCK * BLOCK;
    }

    public static int entryOffset(int index) {
        return ENTRIES_OFFSET + index * ENTRY_SIZE;
    }

    /** Payloads align to their size rounded down to a power of two, at most 4 KiB: 4 KiB blocks never straddle. */
    public static int payloadAlignment(int length) {
        return Math.min(BLOCK, Integer.highestOneBit(Math.max(16, length)));
    }

    /**
     * CRC32C of the header at {@code base} of {@code buf}, its crc field taken as zero. Moves the
     * buffer's position and limit (callers pass a view they own, so nothing is allocated).
     */
    public static int headerCrc(ByteBuffer buf, int base, int headerBytes, CRC32C crc) {
        crc.reset();
        crc.update(buf.limit(base + CRC_OFFSET).position(base));
        for (int i = 0; i < 4; i++) {
            crc.update(0);
        }
        crc.update(buf.limit(base + headerBytes).position(base + CRC_OFFSET + 4));
        return (int) crc.getValue();
    }

    /**
     * The CRC stored for a payload: CRC32C of the bytes, then of the seed (family id, or
     * {@link #EXTENT_SEED}) and LBA (or extent id), so data read from the wrong place fails the
     * check even when it is intact. Moves {@code src}'s position and limit, as {@link #headerCrc} does.
     */
    public static int payloadCrc(ByteBuffer src, int from, int length, int seed, long lba, CRC32C crc) {
        crc.reset();
        crc.update(src.limit(from + length).position(from));
        for (int i = 0; i < 4; i++) {
            crc.update(seed >>> (i * 8));
        }
        for (int i = 0; i < 8; i++) {
            crc.update((int) (lba >>> (i * 8)));
        }
        return (int) crc.getValue();
    }

    /** Whether entries of this type carry their checksum domain as (EXTENT_SEED, arg) instead of (seed, lba). */
    public static boolean isExtentPayload(byte type) {
        return type == TYPE_WRITE_EXTENT || type == TYPE_MOVE_EXTENT;
    }
}
