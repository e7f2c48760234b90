package io.basalt.engine.file;

import com.sun.nio.file.ExtendedOpenOption;
import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.FlushOp;
import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A volume kept in one sparse file, opened with O_DIRECT where the file system allows it (tmpfs does
 * not; then buffered I/O). The file is the volume's capacity rounded up to 4 KiB, so aligned I/O never
 * runs past its end and the same file works in either mode.
 *
 * <p>Submissions never block: operations queue to one worker thread per store, which does the
 * system calls and completes them in order. Having a single thread makes read-modify-write of
 * requests smaller than the O_DIRECT alignment safe without locks. The queue allocates a node per
 * operation; this backend is a stopgap until the log-structured engine, and a system call per I/O
 * costs far more.
 *
 * <p>Durability: a volatile write cache is present ({@link #volatileWriteCache()}); a write is durable
 * after a later flush ({@code fdatasync}), or at once if it is FUA or the cache is switched off with
 * {@link #setWriteCacheEnabled}. O_DIRECT alone is not enough: writes into holes allocate blocks,
 * and only fdatasync makes that allocation durable.
 */
public final class FileBlockStore implements BlockStore {
    private static final Logger LOG = LoggerFactory.getLogger(FileBlockStore.class);
    /** Alignment of offsets, lengths and memory for O_DIRECT, and the unit the file size is rounded to. */
    static final int ALIGNMENT = 4096;
    /** The most one system call moves; bigger requests go through the bounce buffer in pieces. */
    static final int BOUNCE_SIZE = 1 << 20;
    private static final BlockIo STOP = new Marker();

    private final Path path;
    private final int blockSize;
    private final boolean direct;
    private final FileChannel channel;
    private final NativeFile nativeFile;
    /** Requests are done in units of this: 4096 under O_DIRECT; the block size when buffered, so never RMW. */
    private final int ioUnit;
    private final ByteBuffer bounce;
    private final MemorySegment bounceSegment;
    private final BlockingQueue<BlockIo> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile long capacity;
    private volatile boolean writeCacheEnabled = true;
    private volatile boolean closed;
    /** Worker-only: cleared after the first EOPNOTSUPP, so later zeroing goes straight to writes. */
    private boolean punchHoles;

    private FileBlockStore(Path path, long capacity, int blockSize, FileChannel channel, boolean direct,
                           NativeFile nativeFile) {
        this.path = path;
        this.capacity = capacity;
        this.blockSize = blockSize;
        this.channel = channel;
        this.direct = direct;
        this.nativeFile = nativeFile;
        this.punchHoles = nativeFile != null;
        this.ioUnit = direct ? ALIGNMENT : blockSize;
        this.bounce = ByteBuffer.allocateDirect(BOUNCE_SIZE + ALIGNMENT).alignedSlice(ALIGNMENT);
        this.bounceSegment = MemorySegment.ofBuffer(bounce);
        this.worker = Thread.ofPlatform().name("basalt-file-" + path.getFileName()).daemon().unstarted(this::run);
        worker.start();
    }

    /** Opens (creating if missing) the store, using O_DIRECT if the file system supports it. */
    public static FileBlockStore open(Path path, long capacityBytes, int blockSize) throws IOException {
        return open(path, capacityBytes, blockSize, true);
    }

    /**
     * Opens (creating if missing) the store. An existing smaller file grows to the capacity; a file
     * larger than the capacity is refused, since shrinking would lose data.
     *
     * @param allowDirect false forces buffered I/O even where O_DIRECT works
     */
    public static FileBlockStore open(Path path, long capacityBytes, int blockSize, boolean allowDirect)
            throws IOException {
        return open(path, capacityBytes, blockSize, allowDirect, ChannelOpener.DEFAULT);
    }

    static FileBlockStore open(Path path, long capacityBytes, int blockSize, boolean allowDirect,
                               ChannelOpener opener) throws IOException {
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size must be 512 or 4096: " + blockSize);
        }
        if (capacityBytes <= 0 || capacityBytes % blockSize != 0) {
            throw new IllegalArgumentException("capacity must be a positive multiple of the block size");
        }
        long fileSize = fileSizeFor(capacityBytes);
        long existing = Files.exists(path) ? Files.size(path) : 0;
        if (existing > fileSize) {
            throw new IOException(path + " holds " + existing + " bytes, more than the capacity of "
                    + capacityBytes + "; shrinking a volume is not supported");
        }
        extend(path, fileSize);
        FileChannel channel = null;
        boolean direct = false;
        if (allowDirect) {
            try {
                channel = opener.open(path, true);
                direct = true;
            } catch (IOException | UnsupportedOperationException e) {
                LOG.info("{}: O_DIRECT not supported here ({}), using buffered I/O", path, e.getMessage());
            }
        }
        if (channel == null) {
            channel = opener.open(path, false);
        }
        NativeFile nativeFile;
        try {
            nativeFile = NativeFile.open(path);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        LOG.info("Opened {}: {} bytes in {}-byte blocks, {} I/O{}", path, capacityBytes, blockSize,
                direct ? "direct (O_DIRECT)" : "buffered",
                nativeFile == null ? ", no hole punching (native calls unavailable)" : "");
        return new FileBlockStore(path, capacityBytes, blockSize, channel, direct, nativeFile);
    }

    /** Opens the file's channel; a seam so tests can play a file system that refuses O_DIRECT. */
    @FunctionalInterface
    interface ChannelOpener {
        ChannelOpener DEFAULT = FileBlockStore::openChannel;

        FileChannel open(Path path, boolean direct) throws IOException;
    }

    private static FileChannel openChannel(Path path, boolean direct) throws IOException {
        OpenOption[] options = direct
                ? new OpenOption[]{StandardOpenOption.READ, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT}
                : new OpenOption[]{StandardOpenOption.READ, StandardOpenOption.WRITE};
        FileChannel channel = FileChannel.open(path, options);
        if (direct && ALIGNMENT % Files.getFileStore(path).getBlockSize() != 0) {
            // The JDK insists on the file system's block size; above 4 KiB our RMW unit is too small.
            channel.close();
            throw new IOException("file system block size above " + ALIGNMENT);
        }
        return channel;
    }

    private static long fileSizeFor(long capacity) {
        return (capacity + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Sets the file length (sparse); RandomAccessFile can extend, a DIRECT FileChannel cannot. */
    private static void extend(Path path, long fileSize) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            if (file.length() < fileSize) {
                file.setLength(fileSize);
            }
        }
    }

    /**
     * Grows the volume to a larger capacity. Safe while I/O runs: blocks below the old capacity do not
     * move, and the new ones read as zeros. The caller tells hosts of the change.
     */
    public synchronized void grow(long newCapacity) throws IOException {
        if (newCapacity < capacity || newCapacity % blockSize != 0) {
            throw new IllegalArgumentException("new capacity " + newCapacity
                    + " must be a multiple of the block size and at least the current " + capacity);
        }
        extend(path, fileSizeFor(newCapacity));
        capacity = newCapacity;
        LOG.info("Grew {} to {} bytes", path, newCapacity);
    }

    /** Whether the file is open with O_DIRECT (else buffered). */
    public boolean isDirect() {
        return direct;
    }

    public Path path() {
        return path;
    }

    @Override
    public long capacityBytes() {
        return capacity;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    /** A volatile write cache is present (Identify VWC); whether it is on is {@link #writeCacheEnabled()}. */
    @Override
    public boolean volatileWriteCache() {
        return true;
    }

    /** Set Features Volatile Write Cache reads this. */
    public boolean writeCacheEnabled() {
        return writeCacheEnabled;
    }

    /**
     * Switches the write cache on or off; when off every write is durable as it completes. Switching
     * it off also flushes what the cache holds, in the background: the call does not block.
     */
    public void setWriteCacheEnabled(boolean enabled) {
        boolean was = writeCacheEnabled;
        writeCacheEnabled = enabled;
        if (was && !enabled && !closed) {
            queue.add(new Marker());
        }
    }

    @Override
    public long allocatedBytes() {
        long bytes = nativeFile == null ? -1 : nativeFile.allocatedBytes();
        if (bytes >= 0) {
            return bytes;
        }
        try {
            return channel.size();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void submit(BlockIo io) {
        if (closed) {
            complete(io, IoStatus.INTERNAL_ERROR);
            return;
        }
        queue.add(io);
    }

    /**
     * Completes every queued operation, flushes, then closes the file. The caller stops submitting first: an
     * operation submitted while close runs may complete with INTERNAL_ERROR.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (BlockIo late; (late = queue.poll()) != null; ) {
            complete(late, IoStatus.INTERNAL_ERROR);
        }
        try (FileChannel c = channel) {
            c.force(false);
        } catch (IOException e) {
            LOG.warn("{}: flush on close failed: {}", path, e.toString());
        }
        if (nativeFile != null) {
            nativeFile.close();
        }
    }

    private void run() {
        try {
            for (BlockIo io; (io = queue.take()) != STOP; ) {
                if (io instanceof Marker) {
                    flushQuietly();
                } else {
                    execute(io);
                }
            }
        } catch (InterruptedException e) {
            LOG.warn("{}: worker interrupted, stopping", path);
        }
    }

    private void execute(BlockIo io) {
        int op = io.op();
        int status;
        try {
            switch (op) {
                case BlockIo.OP_READ -> {
                    checkRange(io.offset(), io.length());
                    read(io.offset(), io.length(), io.buffer());
                }
                case BlockIo.OP_WRITE -> {
                    checkRange(io.offset(), io.length());
                    write(io.offset(), io.length(), io.buffer());
                }
                case BlockIo.OP_WRITE_ZEROES -> {
                    checkRange(io.offset(), io.length());
                    zero(io.offset(), io.length());
                }
                case BlockIo.OP_DEALLOCATE -> deallocate(io.buffer(), io.length());
                case BlockIo.OP_FLUSH -> channel.force(false);
                default -> throw new IllegalArgumentException("unknown operation " + op);
            }
            if (op != BlockIo.OP_READ && op != BlockIo.OP_FLUSH && (io.fua() || !writeCacheEnabled)) {
                channel.force(false);
            }
            status = IoStatus.OK;
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: rejected {}: {}", path, describe(io), e.getMessage());
            status = IoStatus.INTERNAL_ERROR;
        } catch (IOException | RuntimeException e) {
            LOG.warn("{}: {} failed: {}", path, describe(io), e.toString());
            status = op == BlockIo.OP_READ ? IoStatus.READ_ERROR : IoStatus.WRITE_ERROR;
        }
        complete(io, status);
    }

    private static void complete(BlockIo io, int status) {
        try {
            io.complete(status);
        } catch (RuntimeException e) {
            // The caller's completion failed; keep the worker alive for everyone else's I/O.
            LOG.error("completion of {} threw", describe(io), e);
        }
    }

    private static String describe(BlockIo io) {
        return "op " + io.op() + " at " + io.offset() + " length " + io.length();
    }

    private void checkRange(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > capacity
                || offset % blockSize != 0 || length % blockSize != 0) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is not whole blocks within "
                    + capacity + " bytes");
        }
    }

    private void read(long offset, int length, ByteBuf dst) throws IOException {
        long end = offset + length;
        for (long pos = offset; pos < end; ) {
            long start = alignDown(pos);
            long stop = Math.min(alignUp(end), start + BOUNCE_SIZE);
            int n = (int) (Math.min(end, stop) - pos);
            readInto(start, 0, (int) (stop - start));
            bounce.clear().position((int) (pos - start)).limit((int) (pos - start) + n);
            dst.writeBytes(bounce);
            pos += n;
        }
    }

    /** Writes the range from src, or zeros if src is null, with read-modify-write of partial units. */
    private void write(long offset, long length, ByteBuf src) throws IOException {
        long end = offset + length;
        int from = src == null ? 0 : src.readerIndex();
        for (long pos = offset; pos < end; ) {
            long start = alignDown(pos);
            long stop = Math.min(alignUp(end), start + BOUNCE_SIZE);
            int window = (int) (stop - start);
            int head = (int) (pos - start);
            int n = (int) (Math.min(end, stop) - pos);
            if (head != 0) {
                readInto(start, 0, ioUnit);
            }
            if (head + n != window && !(head != 0 && window == ioUnit)) {
                readInto(stop - ioUnit, window - ioUnit, ioUnit);
            }
            if (src == null) {
                bounceSegment.asSlice(head, n).fill((byte) 0);
            } else {
                bounce.clear().position(head).limit(head + n);
                src.getBytes(from, bounce);
                from += n;
            }
            bounce.clear().limit(window);
            while (bounce.hasRemaining()) {
                channel.write(bounce, start + bounce.position());
            }
            pos += n;
        }
    }

    /** Fills bounce[at, at+length) from the file; bytes past its end read as zeros. */
    private void readInto(long filePosition, int at, int length) throws IOException {
        bounce.clear().position(at).limit(at + length);
        while (bounce.hasRemaining()) {
            if (channel.read(bounce, filePosition + bounce.position() - at) < 0) {
                bounceSegment.asSlice(bounce.position(), bounce.remaining()).fill((byte) 0);
                break;
            }
        }
    }

    private void zero(long offset, long length) throws IOException {
        if (punchHoles) {
            int errno = nativeFile.punchHole(offset, length);
            if (errno == 0) {
                return;
            }
            if (errno == NativeFile.EOPNOTSUPP || errno == NativeFile.ENOSYS) {
                punchHoles = false;
                LOG.info("{}: the file system cannot punch holes; zeroing by writing zeros", path);
            } else {
                LOG.warn("{}: punching a hole at {}+{} failed (errno {}); writing zeros", path, offset, length,
                        errno);
            }
        }
        write(offset, length, null);
    }

    /** Ranges are pairs of big-endian longs (offset, length) at the buffer's reader index. */
    private void deallocate(ByteBuf ranges, int count) throws IOException {
        int at = ranges.readerIndex();
        for (int i = 0; i < count; i++) {
            checkRange(ranges.getLong(at + i * 16), ranges.getLong(at + i * 16 + 8));
        }
        for (int i = 0; i < count; i++) {
            long length = ranges.getLong(at + i * 16 + 8);
            if (length > 0) {
                zero(ranges.getLong(at + i * 16), length);
            }
        }
    }

    private void flushQuietly() {
        try {
            channel.force(false);
        } catch (IOException e) {
            LOG.warn("{}: flush on disabling the write cache failed: {}", path, e.toString());
        }
    }

    private long alignDown(long position) {
        return position - position % ioUnit;
    }

    private long alignUp(long position) {
        return alignDown(position + ioUnit - 1);
    }

    /** Queue entries that are not caller I/O: the stop signal, and a flush when the cache is disabled. */
    private static final class Marker extends FlushOp {
        @Override
        public void complete(int ioStatus) {
        }
    }
}
