package io.basalt.engine.jmh;

import io.basalt.engine.device.BlockDevice;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A device in a heap array, with nothing to sync: a pool on it costs what the engine itself costs
 * (group commit, map, CRC, services), not a disk. One copy per write and per read, no lock, so
 * reader threads read it concurrently as they would a file; the engine never writes where a read is
 * in flight. Unlike the tests' {@code FaultyDevice} it keeps no unsynced writes to replay.
 */
final class MemoryDevice implements BlockDevice {
    private final byte[] bytes;

    MemoryDevice(int size) {
        if (size % ALIGNMENT != 0) {
            throw new IllegalArgumentException("size must be a multiple of " + ALIGNMENT);
        }
        this.bytes = new byte[size];
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        check(position, dst.remaining());
        dst.put(bytes, (int) position, dst.remaining());
    }

    @Override
    public void write(long position, ByteBuffer src) throws IOException {
        check(position, src.remaining());
        src.get(bytes, (int) position, src.remaining());
    }

    @Override
    public void sync() {
    }

    @Override
    public void close() {
    }

    private void check(long position, int length) throws IOException {
        if (position < 0 || position + length > bytes.length || position % ALIGNMENT != 0 || length % ALIGNMENT != 0) {
            throw new IOException("unaligned or out of range I/O at " + position + "+" + length);
        }
    }
}
