package io.basalt.engine.device;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A device of the pool: a file or a raw block device, read and written at {@link #ALIGNMENT}-aligned
 * positions from aligned direct buffers (O_DIRECT's rules, kept even where the device is buffered).
 * The pool's engine thread writes and syncs it, and on device 0 a background checkpoint's thread
 * writes and syncs its slot at the same time; reads come from the engine and from the pool's reader
 * threads at once. So {@link #read}, {@link #write} and {@link #sync} must be safe to call
 * concurrently (positional I/O).
 *
 * <p>Durability invariant: a write may sit in a volatile cache (the page cache, the drive's cache)
 * and be lost, wholly or in part (torn), by a power cut until a later {@link #sync} returns; after
 * that it survives. Writes are not ordered among themselves before a sync.
 */
public interface BlockDevice extends AutoCloseable {
    /** Offsets, lengths and buffer addresses are multiples of this. */
    int ALIGNMENT = 4096;

    /** A name for log lines: the path. */
    String name();

    /** Usable bytes, a multiple of {@link #ALIGNMENT}. */
    long size();

    /** Fills {@code dst} (position to limit) from {@code position}. */
    void read(long position, ByteBuffer dst) throws IOException;

    /** Writes {@code src} (position to limit) at {@code position}. */
    void write(long position, ByteBuffer src) throws IOException;

    /** Makes every write that returned before the call durable (fdatasync). */
    void sync() throws IOException;

    @Override
    void close() throws IOException;

    /** Whether the exception says the device (or the file system under a file) is full. */
    static boolean isNoSpace(IOException e) {
        String m = e.getMessage();
        return e instanceof DeviceFullException || (m != null && m.contains("No space left"));
    }

    /** A write that failed because the device is full (ENOSPC). */
    final class DeviceFullException extends IOException {
        public DeviceFullException(String message) {
            super(message);
        }
    }
}
