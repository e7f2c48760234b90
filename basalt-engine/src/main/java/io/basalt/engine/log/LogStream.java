package io.basalt.engine.log;

import io.basalt.engine.device.AlignedBuffers;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

import static io.basalt.engine.log.BatchFormat.*;

/**
 * One append stream of the log (hot: host writes; cold: the cleaner's copies): the segment it
 * writes, the position of its next batch, the segment it continues in ({@code next}), and the batch
 * being built. Owned by the engine thread.
 *
 * <p>Durability invariant: nothing appended is on a device until {@link #seal} and the engine's
 * write of the returned buffer; the stream's position moves only after that write succeeded
 * ({@link #advance}), so a failed write never leaves a gap the replay would not detect.
 */
public final class LogStream {
    public static final int HOT = 0;
    /** The first of the cleaner's streams: survivors of hot segments. */
    public static final int COLD = 1;
    /** Survivors of the cleaner's own segments: data that lived through cleaning twice or more. */
    public static final int COLDER = 2;
    /** Streams of the log, each a chain of its own that recovery follows. */
    public static final int STREAMS = 3;

    /** The stream that takes survivors of a segment written by {@code stream}: one grade colder. */
    public static int colderThan(int stream) {
        return Math.min(stream + 1, STREAMS - 1);
    }

    private final int id;
    private final int maxPayload;
    /** [MAX_HEADER_BYTES header area][payload area]; the sealed header sits right before the payloads. */
    private final ByteBuffer buffer;
    /** A view of {@link #buffer} whose position and limit this class moves freely (no allocation per I/O). */
    private final ByteBuffer view;
    private final ByteBuffer entries;
    private final int[] payloadOffsets = new int[MAX_ENTRIES];
    private final CRC32C crc = new CRC32C();
    private int count;
    private int payloadUsed;
    private int sealedHeaderBytes;
    private int segment = -1;
    private int position;
    private int next = -1;

    public LogStream(int id, int maxPayload) {
        this.id = id;
        this.maxPayload = AlignedBuffers.alignUp(maxPayload);
        this.buffer = AlignedBuffers.allocate(MAX_HEADER_BYTES + this.maxPayload);
        this.view = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.entries = ByteBuffer.allocateDirect(MAX_HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    public int id() {
        return id;
    }

    public int segment() {
        return segment;
    }

    public int position() {
        return position;
    }

    public int next() {
        return next;
    }

    /** Starts writing {@code segment} at {@code position}; {@code next} is where it will continue. */
    public void moveTo(int segment, int position, int next) {
        if (count != 0) {
            throw new IllegalStateException("batch open");
        }
        this.segment = segment;
        this.position = position;
        this.next = next;
    }

    public void setNext(int next) {
        this.next = next;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public int count() {
        return count;
    }

    /** Whether one more entry with a payload of {@code length} bytes (0 for none) fits in this batch and segment. */
    public boolean fits(int length, int segmentSize) {
        if (segment < 0 || count == MAX_ENTRIES) {
            return false;
        }
        int end = length == 0 ? payloadUsed : align(payloadUsed, length) + length;
        return end <= maxPayload
                && (long) position + headerBytes(count + 1) + AlignedBuffers.alignUp(end) <= segmentSize;
    }

    /** Whether an empty batch with one entry of {@code length} would fit in a fresh segment. */
    public boolean fitsEmpty(int length, int segmentSize) {
        return headerBytes(1) + AlignedBuffers.alignUp(length) <= Math.min(segmentSize, MAX_HEADER_BYTES + maxPayload);
    }

    /**
     * Appends an entry; the payload ({@code length} bytes of {@code src} from {@code srcIndex}) is
     * copied. Returns the entry index. The caller checked {@link #fits}.
     */
    public int append(byte type, int volumeId, long lba, int entryCrc, long arg, ByteBuf src, int srcIndex,
                      int length) {
        int at = entryOffset(count);
        if (length > 0) {
            int off = align(payloadUsed, length);
            zero(MAX_HEADER_BYTES + payloadUsed, off - payloadUsed);
            src.getBytes(srcIndex, view.limit(MAX_HEADER_BYTES + off + length).position(MAX_HEADER_BYTES + off));
            payloadOffsets[count] = off;
            payloadUsed = off + length;
        } else {
            payloadOffsets[count] = -1;
        }
        entries.put(at + ENTRY_TYPE, type);
        entries.put(at + ENTRY_FLAGS, (byte) 0);
        entries.putShort(at + ENTRY_LEN16, (short) (length >>> 4));
        entries.putInt(at + ENTRY_VOLUME, volumeId);
        entries.putLong(at + ENTRY_LBA, lba);
        entries.putInt(at + ENTRY_CRC, entryCrc);
        entries.putInt(at + ENTRY_SEED, 0);
        entries.putLong(at + ENTRY_ARG, arg);
        return count++;
    }

    /** Same as {@link #append(byte, int, long, int, long, ByteBuf, int, int)} from a ByteBuffer. */
    public int append(byte type, int volumeId, long lba, int entryCrc, long arg, ByteBuffer src, int srcIndex,
                      int length) {
        int off = align(payloadUsed, length);
        zero(MAX_HEADER_BYTES + payloadUsed, off - payloadUsed);
        buffer.put(MAX_HEADER_BYTES + off, src, srcIndex, length);
        int index = append(type, volumeId, lba, entryCrc, arg, (ByteBuf) null, 0, 0);
        payloadOffsets[index] = off;
        payloadUsed = off + length;
        entries.putShort(entryOffset(index) + ENTRY_LEN16, (short) (length >>> 4));
        return index;
    }

    /** Same as {@link #append(byte, int, long, int, long, ByteBuf, int, int)} from a byte array. */
    public int append(byte type, int volumeId, long lba, int entryCrc, long arg, byte[] src, int srcIndex,
                      int length) {
        int off = align(payloadUsed, length);
        zero(MAX_HEADER_BYTES + payloadUsed, off - payloadUsed);
        buffer.put(MAX_HEADER_BYTES + off, src, srcIndex, length);
        int index = append(type, volumeId, lba, entryCrc, arg, (ByteBuf) null, 0, 0);
        payloadOffsets[index] = off;
        payloadUsed = off + length;
        entries.putShort(entryOffset(index) + ENTRY_LEN16, (short) (length >>> 4));
        return index;
    }

    /** Sets entry {@code index}'s payload flags ({@link PhysAddr#COMPRESSED}) and checksum/cipher seed. */
    public void setFlagsAndSeed(int index, int flags, int seed) {
        entries.put(entryOffset(index) + ENTRY_FLAGS, (byte) flags);
        entries.putInt(entryOffset(index) + ENTRY_SEED, seed);
    }

    /** A view of the batch buffer (position and limit free to move) and, below, where entry payloads are in it. */
    public ByteBuffer payload() {
        return view;
    }

    public int payloadIndex(int index) {
        return MAX_HEADER_BYTES + payloadOffsets[index];
    }

    /**
     * Completes the header and returns the bytes to write at {@link #position()} of {@link #segment()}.
     * Entry addresses are valid from now until {@link #reset}.
     */
    public ByteBuffer seal(long poolId, long seq) {
        int headerBytes = headerBytes(count);
        int payloadBytes = AlignedBuffers.alignUp(payloadUsed);
        zero(MAX_HEADER_BYTES + payloadUsed, payloadBytes - payloadUsed);
        int h = MAX_HEADER_BYTES - headerBytes;
        zero(h, headerBytes);
        buffer.put(h + ENTRIES_OFFSET, entries, ENTRIES_OFFSET, count * ENTRY_SIZE);
        buffer.putInt(h + MAGIC_OFFSET, MAGIC);
        buffer.putShort(h + VERSION_OFFSET, VERSION);
        buffer.put(h + STREAM_OFFSET, (byte) id);
        buffer.put(h + HEADER_BLOCKS_OFFSET, (byte) (headerBytes / BLOCK));
        buffer.putLong(h + POOL_ID_OFFSET, poolId);
        buffer.putLong(h + SEQ_OFFSET, seq);
        buffer.putInt(h + NEXT_OFFSET, next);
        buffer.putInt(h + COUNT_OFFSET, count);
        buffer.putInt(h + PAYLOAD_BYTES_OFFSET, payloadBytes);
        buffer.putInt(h + CRC_OFFSET, headerCrc(view, h, headerBytes, crc));
        sealedHeaderBytes = headerBytes;
        return view.limit(h + headerBytes + payloadBytes).position(h);
    }

    /** Bytes the sealed batch takes in the segment. */
    public int sealedBytes() {
        return sealedHeaderBytes + AlignedBuffers.alignUp(payloadUsed);
    }

    /** Address of entry {@code index}'s payload once sealed. */
    public long address(int index) {
        return PhysAddr.pack(segment, position + sealedHeaderBytes + payloadOffsets[index], length(index),
                flags(index));
    }

    /** Sets entry {@code index}'s payload CRC (computed over the copied payload, see {@link #payload}). */
    public void setCrc(int index, int value) {
        entries.putInt(entryOffset(index) + ENTRY_CRC, value);
    }

    public byte type(int index) {
        return entries.get(entryOffset(index) + ENTRY_TYPE);
    }

    public int flags(int index) {
        return entries.get(entryOffset(index) + ENTRY_FLAGS) & 0xFF;
    }

    public int seed(int index) {
        return entries.getInt(entryOffset(index) + ENTRY_SEED);
    }

    public int volumeId(int index) {
        return entries.getInt(entryOffset(index) + ENTRY_VOLUME);
    }

    public long lba(int index) {
        return entries.getLong(entryOffset(index) + ENTRY_LBA);
    }

    public int crc(int index) {
        return entries.getInt(entryOffset(index) + ENTRY_CRC);
    }

    public long arg(int index) {
        return entries.getLong(entryOffset(index) + ENTRY_ARG);
    }

    public int length(int index) {
        return (entries.getShort(entryOffset(index) + ENTRY_LEN16) & 0xFFFF) << 4;
    }

    /** After the sealed batch was written: the next batch goes after it. */
    public void advance() {
        position += sealedBytes();
        reset();
    }

    /** Drops the batch (written or abandoned). */
    public void reset() {
        count = 0;
        payloadUsed = 0;
        sealedHeaderBytes = 0;
    }

    private static int align(int offset, int length) {
        int a = payloadAlignment(length);
        return (offset + a - 1) & -a;
    }

    private void zero(int from, int length) {
        for (int i = 0; i < length; i++) {
            buffer.put(from + i, (byte) 0);
        }
    }
}
