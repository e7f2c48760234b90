package io.basalt.engine.pool;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The payload of a SNAPSHOT record: the snapshot's name as {@code u16 length} (little-endian) then
 * its UTF-8 bytes, zero-padded to a multiple of 16 (payload lengths are).
 */
final class SnapshotName {
    private SnapshotName() {
    }

    static ByteBuffer encode(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate((2 + bytes.length + 15) & -16);
        b.put(0, (byte) bytes.length).put(1, (byte) (bytes.length >>> 8)).put(2, bytes);
        return b;
    }

    static String decode(ByteBuffer src, int index) {
        int length = (src.get(index) & 0xFF) | (src.get(index + 1) & 0xFF) << 8;
        byte[] bytes = new byte[length];
        src.get(index + 2, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
