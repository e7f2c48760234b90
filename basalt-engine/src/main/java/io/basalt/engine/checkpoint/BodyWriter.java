package io.basalt.engine.checkpoint;

import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Streams a checkpoint body into its slot through one aligned buffer, integers little-endian,
 * computing the body's CRC32C on the way. Each full buffer is written at once; only the last
 * write may be partial (padded to 4 KiB, the CRC covering only real bytes). A body that would
 * overrun its slot fails. One body at a time, on whichever thread writes the checkpoint.
 *
 * <p>Durability invariant: nothing here syncs — {@link Checkpointer#write} syncs the body before it
 * writes the header that makes it count, so a torn body is never named by a valid header.
 *
 * <p>Failures surface as {@link UncheckedIOException} (the body is written from inside
 * {@code forEach} callbacks); {@link Checkpointer#write} unwraps them.
 */
final class BodyWriter {
    private static final int CHUNK = 1 << 20;

    private final BlockDevice device;
    /** Most body bytes a slot holds. */
    private final long capacity;
    private final ByteBuffer buffer = AlignedBuffers.allocate(CHUNK);
    private final CRC32C crc = new CRC32C();
    /** Device offset of the body being written. */
    private long base;
    /** Body bytes written so far. */
    private long pos;

    BodyWriter(BlockDevice device, long capacity) {
        this.device = device;
        this.capacity = capacity;
    }

    /** Starts a body at device offset {@code base}. */
    void start(long base) {
        this.base = base;
        pos = 0;
        buffer.clear();
        crc.reset();
    }

    /** Writes what is buffered; returns the body's length (its CRC: {@link #crc}). */
    long finish() {
        flush();
        return pos;
    }

    int crc() {
        return (int) crc.getValue();
    }

    /** One map entry; tens of millions per checkpoint, so one bounds check for the three fields. */
    void putEntry(long lba, long address, int c) {
        int p = buffer.position();
        if (buffer.limit() - p < Checkpointer.ENTRY_BYTES) {
            putLong(lba);
            putLong(address);
            putInt(c);
            return;
        }
        buffer.putLong(p, lba);
        buffer.putLong(p + 8, address);
        buffer.putInt(p + 16, c);
        buffer.position(p + Checkpointer.ENTRY_BYTES);
    }

    void putByte(byte b) {
        if (!buffer.hasRemaining()) {
            flush();
        }
        buffer.put(b);
    }

    void putInt(int v) {
        if (buffer.remaining() >= 4) {
            buffer.putInt(v);
            return;
        }
        for (int i = 0; i < 4; i++) {
            putByte((byte) (v >>> (i * 8)));
        }
    }

    void putLong(long v) {
        if (buffer.remaining() >= 8) {
            buffer.putLong(v);
            return;
        }
        for (int i = 0; i < 8; i++) {
            putByte((byte) (v >>> (i * 8)));
        }
    }

    /** Writes the buffer (padded to 4 KiB) to the slot body; the CRC covers only real bytes. */
    private void flush() {
        int n = buffer.position();
        if (n == 0) {
            return;
        }
        if (pos + AlignedBuffers.alignUp(n) > capacity) {
            throw new UncheckedIOException(new IOException("checkpoint does not fit its slot ("
                    + (capacity + Checkpointer.HEADER) + " bytes)"));
        }
        crc.update(buffer.duplicate().flip());
        int padded = AlignedBuffers.alignUp(n);
        while (buffer.position() < padded) {
            buffer.put((byte) 0);
        }
        try {
            device.write(base + pos, buffer.flip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pos += n;
        buffer.clear();
        if (n % BlockDevice.ALIGNMENT != 0) {
            // Only the last flush may be partial: the body ends here.
            buffer.limit(0);
        }
    }
}
