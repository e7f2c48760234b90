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
 * A regular file (created sparse when missing) or a raw block device, opened with O_DIRECT where
 * the file system allows it (tmpfs does not: then buffered I/O, same alignment rules). {@link #sync}
 * is fdatasync.
 */
public final class FileDevice implements BlockDevice {
    private static final Logger LOG = LoggerFactory.getLogger(FileDevice.class);

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
        if (!Files.exists(path)) {
            if (createSize <= 0) {
                throw new IOException(path + " does not exist");
            }
            try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
                f.setLength(AlignedBuffers.alignUp(createSize));
            }
        }
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
