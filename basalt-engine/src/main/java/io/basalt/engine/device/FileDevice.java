package io.basalt.engine.device;

import com.sun.nio.file.ExtendedOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A regular file (created when missing, sparse or written once: {@link Preallocation}) or a raw block
 * device, opened with O_DIRECT where the file system allows it (tmpfs does not: then buffered I/O,
 * same alignment rules). {@link #sync} is fdatasync.
 */
public final class FileDevice implements BlockDevice {
    private static final Logger LOG = LoggerFactory.getLogger(FileDevice.class);
    /** Zeroes written per call when a file is preallocated by writing it. */
    private static final int FILL_CHUNK = 8 << 20;

    /** How {@link #open} sets aside the space of a file it creates. */
    public enum Preallocation {
        /**
         * A sparse file: it takes disk space only as the log first writes it; each first write into a
         * region also makes the file system allocate it, and the fdatasync that makes the write durable
         * then commits that metadata too (measured on ext4: a durable 4 KiB write 2x slower).
         */
        SPARSE,
        /**
         * Every byte written once (zeroes) and synced before the pool uses the file: later writes
         * overwrite allocated, initialised blocks and an fdatasync flushes only data. Takes as long as
         * writing the file sequentially; the space is taken at once.
         */
        WRITE
    }

    private final Path path;
    private final FileChannel channel;
    private final long size;
    private final boolean direct;

    private FileDevice(Path path, FileChannel channel, long size, boolean direct) {
        this.path = path;
        this.channel = channel;
        this.size = size;
        this.direct = direct;
    }

    /**
     * Opens the device. A missing path is created as a sparse file of {@code createSize} bytes;
     * an existing file or block device keeps its size.
     */
    public static FileDevice open(Path path, long createSize, boolean allowDirect) throws IOException {
        return open(path, createSize, allowDirect, Preallocation.SPARSE);
    }

    /**
     * Opens the device. A missing path is created as a file of {@code createSize} bytes, its space
     * set aside as {@code preallocation} says (a file that cannot be written whole is deleted again);
     * an existing file or block device keeps its size and contents.
     */
    public static FileDevice open(Path path, long createSize, boolean allowDirect, Preallocation preallocation)
            throws IOException {
        boolean created = false;
        if (!Files.exists(path)) {
            if (createSize <= 0) {
                throw new IOException(path + " does not exist");
            }
            try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                f.setLength(AlignedBuffers.alignUp(createSize));
            }
            created = true;
        }
        FileDevice device = openExisting(path, allowDirect);
        if (created && preallocation == Preallocation.WRITE) {
            try {
                device.writeZeroes();
            } catch (IOException | RuntimeException e) {
                device.close();
                Files.deleteIfExists(path);
                throw new IOException("cannot preallocate " + path + ": " + e.getMessage(), e);
            }
        }
        return device;
    }

    private static FileDevice openExisting(Path path, boolean allowDirect) throws IOException {
        FileChannel channel = null;
        boolean direct = false;
        if (allowDirect) {
            try {
                channel = FileChannel.open(path, options(true));
                direct = true;
            } catch (IOException | UnsupportedOperationException e) {
                LOG.info("{}: O_DIRECT not supported here ({}), using buffered I/O", path, e.getMessage());
            }
        }
        if (channel == null) {
            channel = FileChannel.open(path, options(false));
        }
        long size = Files.isRegularFile(path) ? Files.size(path) : blockDeviceSize(path, channel);
        size &= -ALIGNMENT;
        LOG.info("Opened device {}: {} bytes, {}", path, size, direct ? "O_DIRECT" : "buffered");
        return new FileDevice(path, channel, size, direct);
    }

    private static OpenOption[] options(boolean direct) {
        return direct
                ? new OpenOption[]{StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT}
                : new OpenOption[]{StandardOpenOption.READ, StandardOpenOption.WRITE};
    }

    /** FileChannel.size() answers for block devices on recent JDKs; sysfs is the fallback. */
    private static long blockDeviceSize(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > 0) {
            return size;
        }
        Path real = path.toRealPath();
        Path sys = Path.of("/sys/class/block", real.getFileName().toString(), "size");
        if (Files.exists(sys)) {
            return Long.parseLong(Files.readString(sys).trim()) * 512;
        }
        throw new IOException("cannot tell the size of " + path);
    }

    /** Writes zeroes over the whole device in large sequential writes, then syncs: see {@link Preallocation#WRITE}. */
    private void writeZeroes() throws IOException {
        ByteBuffer zeroes = AlignedBuffers.allocate(FILL_CHUNK);
        long started = System.nanoTime();
        long nextLog = size / 4;
        LOG.info("Preallocating {}: writing {} bytes once", path, size);
        for (long at = 0; at < size; ) {
            int n = (int) Math.min(FILL_CHUNK, size - at);
            write(at, zeroes.clear().limit(n));
            at += n;
            if (at >= nextLog && at < size) {
                LOG.info("Preallocating {}: {}%", path, at * 100 / size);
                nextLog += size / 4;
            }
        }
        sync();
        LOG.info("Preallocated {} in {} ms", path, (System.nanoTime() - started) / 1_000_000);
    }

    /** The file or block device opened. */
    public Path path() {
        return path;
    }

    public boolean isDirect() {
        return direct;
    }

    @Override
    public String name() {
        return path.toString();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long position, ByteBuffer dst) throws IOException {
        long at = position;
        while (dst.hasRemaining()) {
            int n = channel.read(dst, at);
            if (n < 0) {
                throw new IOException(path + ": read past the end at " + at);
            }
            at += n;
        }
    }

    @Override
    public void write(long position, ByteBuffer src) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += channel.write(src, at);
        }
    }

    @Override
    public void sync() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
