package io.basalt.engine.checkpoint;

import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.BlockDevice;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32C;

/**
 * Streams a range of a device in pieces, reading the next piece on a helper thread while the
 * caller parses the current one, and computes the CRC32C of the range on the way. A checkpoint
 * load is as much reading (a GB at 50M mapped blocks) as parsing, so overlapping the two nearly
 * halves it. Used only while a pool opens, before its engine thread starts: the device still sees
 * one call at a time, each ordered after the last by the hand-off.
 *
 * <p>The helper thread is never interrupted: an interrupted {@code FileChannel} closes itself.
 * {@link #close} waits for the read in flight instead.
 */
final class ReadAhead implements AutoCloseable {
    private final BlockDevice device;
    private final ByteBuffer[] buffers;
    private final CRC32C crc = new CRC32C();
    private final ExecutorService reader = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("basalt-checkpoint-read").daemon().factory());
    private final long end;
    private long next;
    private int turn;
    private Future<ByteBuffer> pending;

    /** Starts reading {@code [start, start + length)} of the device in pieces of {@code pieceBytes}. */
    ReadAhead(BlockDevice device, long start, long length, int pieceBytes) {
        this.device = device;
        this.buffers = new ByteBuffer[]{AlignedBuffers.allocate(pieceBytes), AlignedBuffers.allocate(pieceBytes)};
        this.next = start;
        this.end = start + length;
        pending = readNext();
    }

    /**
     * The next piece (position 0, limit its length), valid until the following call; null after
     * the last one.
     */
    ByteBuffer next() throws IOException {
        if (pending == null) {
            return null;
        }
        ByteBuffer piece = await(pending);
        pending = readNext();
        return piece;
    }

    /** CRC32C of every piece handed out so far. */
    int crc() {
        return (int) crc.getValue();
    }

    private Future<ByteBuffer> readNext() {
        if (next >= end) {
            return null;
        }
        ByteBuffer b = buffers[turn++ & 1];
        long at = next;
        int n = (int) Math.min(b.capacity(), end - at);
        next += n;
        return reader.submit(() -> {
            b.clear().limit(AlignedBuffers.alignUp(n));
            device.read(at, b);
            b.flip().limit(n);
            crc.update(b);
            return b.position(0);
        });
    }

    private static ByteBuffer await(Future<ByteBuffer> read) throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while loading a checkpoint");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    @Override
    public void close() {
        if (pending != null) {
            try {
                pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // The caller is done with the range; a failed read ahead of it does not matter.
            }
            pending = null;
        }
        reader.shutdown();
    }
}
