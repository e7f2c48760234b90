package io.basalt.initiator.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The record of acknowledged writes for crash tests: a 32-byte header (magic "BSLTVLOG", version,
 * logical block size, I/O size), then 24-byte records (start LBA be64, generation be64, blocks be32,
 * CRC32C of the written unit be32), appended only after the target acknowledged the write.
 * Workers fill private buffers and append them whole; {@link #force} (every second and at exit)
 * makes them durable. Runs that share a log must use the same block and I/O size.
 */
final class VerifyLog implements AutoCloseable {
    static final long MAGIC = 0x42534C54564C4F47L;
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 32;
    static final int RECORD_LENGTH = 24;
    static final int BUFFER_RECORDS = 2730;

    /** The last acknowledged write of one unit. */
    record Entry(long lba, long generation, int blocks, int checksum) {
    }

    private final FileChannel channel;

    private VerifyLog(FileChannel channel) {
        this.channel = channel;
    }

    static VerifyLog openForAppend(Path path, int blockSize, int ioSize) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            if (ch.size() == 0) {
                ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH);
                h.putLong(MAGIC).putInt(VERSION).putInt(blockSize).putInt(ioSize).position(HEADER_LENGTH).flip();
                ch.write(h, 0);
            } else {
                int[] sizes = readHeader(ch, path);
                if (sizes[0] != blockSize || sizes[1] != ioSize) {
                    throw new IOException(path + " was written with block size " + sizes[0] + " and I/O size "
                            + sizes[1] + "; this run uses " + blockSize + " and " + ioSize);
                }
            }
            // Drop a torn last record from an earlier crash.
            long whole = HEADER_LENGTH + (ch.size() - HEADER_LENGTH) / RECORD_LENGTH * RECORD_LENGTH;
            ch.truncate(whole);
            ch.position(whole);
            return new VerifyLog(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static int[] readHeader(FileChannel ch, Path path) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH);
        ch.read(h, 0);
        h.flip();
        if (h.remaining() < HEADER_LENGTH || h.getLong() != MAGIC || h.getInt() != VERSION) {
            throw new IOException(path + " is not a bench verify log");
        }
        return new int[] {h.getInt(), h.getInt()};
    }

    /** One worker's buffer of records; used on that worker's thread only. */
    final class Appender {
        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_RECORDS * RECORD_LENGTH);

        void add(long lba, long generation, int blocks, int checksum) throws IOException {
            buffer.putLong(lba).putLong(generation).putInt(blocks).putInt(checksum);
            if (!buffer.hasRemaining()) {
                flush();
            }
        }

        void flush() throws IOException {
            buffer.flip();
            synchronized (VerifyLog.this) {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            buffer.clear();
        }
    }

    Appender appender() {
        return new Appender();
    }

    void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        try {
            force();
        } finally {
            channel.close();
        }
    }

    /** The log's contents: block size, I/O size and the last acknowledged write of every unit. */
    record Contents(int blockSize, int ioSize, Map<Long, Entry> latest, long records) {
    }

    static Contents read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            int[] sizes = readHeader(ch, path);
            Map<Long, Entry> latest = new HashMap<>();
            ByteBuffer b = ByteBuffer.allocate(RECORD_LENGTH * 4096);
            long pos = HEADER_LENGTH;
            long records = 0;
            while (true) {
                b.clear();
                int n = ch.read(b, pos);
                if (n <= 0) {
                    break;
                }
                b.flip();
                int whole = b.remaining() / RECORD_LENGTH;
                if (whole == 0) {
                    break; // a torn last record
                }
                for (int i = 0; i < whole; i++) {
                    Entry e = new Entry(b.getLong(), b.getLong(), b.getInt(), b.getInt());
                    records++;
                    latest.merge(e.lba(), e, (a, c) -> c.generation() > a.generation() ? c : a);
                }
                pos += (long) whole * RECORD_LENGTH;
            }
            return new Contents(sizes[0], sizes[1], latest, records);
        }
    }

    static boolean exists(Path path) {
        return Files.exists(path);
    }
}
