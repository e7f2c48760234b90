package io.basalt.engine.log;

import io.basalt.engine.device.AlignedBuffers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static io.basalt.engine.log.BatchFormat.*;

/**
 * Reads and checks batches for recovery and the cleaner. A batch is valid when its magic, version,
 * pool id, header CRC and bounds hold, its sequence is above a floor, and (if asked) every payload
 * matches its CRC — anything else is the end of the written log at that place (a torn or stale
 * batch), never an error.
 */
public final class BatchReader {
    private final SegmentLayout layout;
    private final long poolId;
    private final ByteBuffer buffer;
    private final ByteBuffer view;
    private final int[] payloadOffsets = new int[MAX_ENTRIES];
    private final CRC32C crc = new CRC32C();
    private int headerBytes;
    private int payloadBytes;
    private int count;
    private int segment;
    private int position;

    public BatchReader(SegmentLayout layout, long poolId, int maxPayload) {
        this.layout = layout;
        this.poolId = poolId;
        this.buffer = AlignedBuffers.allocate(MAX_HEADER_BYTES + AlignedBuffers.alignUp(maxPayload));
        this.view = buffer.duplicate();
    }

    /**
     * Reads the batch at {@code offset} of {@code segment}; returns whether it is valid. I/O errors
     * propagate. {@code stream} -1 accepts either stream.
     */
    public boolean read(int segment, int offset, int stream, long seqAbove, boolean verifyPayloads)
            throws IOException {
        int segmentSize = layout.segmentSize();
        if (offset < 0 || offset + BLOCK > segmentSize) {
            return false;
        }
        this.segment = segment;
        this.position = offset;
        layout.device(segment).read(layout.position(segment, offset), view.limit(BLOCK).position(0));
        if (buffer.getInt(MAGIC_OFFSET) != MAGIC || buffer.getShort(VERSION_OFFSET) != VERSION
                || buffer.getLong(POOL_ID_OFFSET) != poolId) {
            return false;
        }
        if (stream >= 0 && buffer.get(STREAM_OFFSET) != stream) {
            return false;
        }
        headerBytes = (buffer.get(HEADER_BLOCKS_OFFSET) & 0xFF) * BLOCK;
        count = buffer.getInt(COUNT_OFFSET);
        payloadBytes = buffer.getInt(PAYLOAD_BYTES_OFFSET);
        if (count < 0 || count > MAX_ENTRIES || headerBytes != headerBytes(count) || payloadBytes < 0
                || payloadBytes % BLOCK != 0 || headerBytes + payloadBytes > buffer.capacity()
                || (long) offset + headerBytes + payloadBytes > segmentSize) {
            return false;
        }
        if (headerBytes > BLOCK) {
            layout.device(segment).read(layout.position(segment, offset + BLOCK),
                    view.limit(headerBytes).position(BLOCK));
        }
        if (headerCrc(view, 0, headerBytes, crc) != buffer.getInt(CRC_OFFSET) || seq() <= seqAbove) {
            return false;
        }
        int off = 0;
        for (int i = 0; i < count; i++) {
            int length = length(i);
            if (type(i) == TYPE_TRIM || length == 0) {
                payloadOffsets[i] = -1;
                continue;
            }
            int a = payloadAlignment(length);
            off = (off + a - 1) & -a;
            payloadOffsets[i] = off;
            off += length;
        }
        if (off > payloadBytes) {
            return false;
        }
        if (payloadBytes > 0) {
            layout.device(segment).read(layout.position(segment, offset + headerBytes),
                    view.limit(headerBytes + payloadBytes).position(headerBytes));
        }
        if (verifyPayloads) {
            for (int i = 0; i < count; i++) {
                if (payloadOffsets[i] >= 0 && BatchFormat.payloadCrc(view, headerBytes + payloadOffsets[i],
                        length(i), crcSeed(i), crcLba(i), crc) != crc(i)) {
                    return false;
                }
            }
        }
        return true;
    }

    public long seq() {
        return buffer.getLong(SEQ_OFFSET);
    }

    public int stream() {
        return buffer.get(STREAM_OFFSET);
    }

    public int next() {
        return buffer.getInt(NEXT_OFFSET);
    }

    public int count() {
        return count;
    }

    /** Bytes the batch takes in its segment. */
    public int totalBytes() {
        return headerBytes + payloadBytes;
    }

    public byte type(int i) {
        return buffer.get(entryOffset(i) + ENTRY_TYPE);
    }

    public int volumeId(int i) {
        return buffer.getInt(entryOffset(i) + ENTRY_VOLUME);
    }

    public long lba(int i) {
        return buffer.getLong(entryOffset(i) + ENTRY_LBA);
    }

    public int crc(int i) {
        return buffer.getInt(entryOffset(i) + ENTRY_CRC);
    }

    public long arg(int i) {
        return buffer.getLong(entryOffset(i) + ENTRY_ARG);
    }

    public int flags(int i) {
        return buffer.get(entryOffset(i) + ENTRY_FLAGS) & 0xFF;
    }

    public int seed(int i) {
        return buffer.getInt(entryOffset(i) + ENTRY_SEED);
    }

    /** The payload checksum's seed: the family, or {@link BatchFormat#EXTENT_SEED} for an extent's payload. */
    public int crcSeed(int i) {
        return isExtentPayload(type(i)) ? EXTENT_SEED : seed(i);
    }

    /** The payload checksum's second half: the LBA, or the extent id for an extent's payload. */
    public long crcLba(int i) {
        return isExtentPayload(type(i)) ? arg(i) : lba(i);
    }

    public int length(int i) {
        return (buffer.getShort(entryOffset(i) + ENTRY_LEN16) & 0xFFFF) << 4;
    }

    /** Address of entry {@code i}'s payload, or {@link PhysAddr#NONE} for a trim. */
    public long address(int i) {
        return payloadOffsets[i] < 0 ? PhysAddr.NONE
                : PhysAddr.pack(segment, position + headerBytes + payloadOffsets[i], length(i), flags(i));
    }

    /** The buffer holding the batch, and the index of entry {@code i}'s payload in it. */
    public ByteBuffer buffer() {
        return buffer;
    }

    public int payloadIndex(int i) {
        return headerBytes + payloadOffsets[i];
    }
}
