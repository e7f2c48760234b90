package io.basalt.engine.pool;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.gc.Cleaner;
import io.basalt.engine.log.BatchFormat;
import io.basalt.engine.log.LogStream;
import io.basalt.engine.log.LogWriter;
import io.basalt.engine.log.PhysAddr;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.function.IntSupplier;
import java.util.zip.CRC32C;

import static io.basalt.engine.log.BatchFormat.TYPE_SNAPSHOT;
import static io.basalt.engine.log.BatchFormat.TYPE_REF;
import static io.basalt.engine.log.BatchFormat.TYPE_TRIM;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE;
import static io.basalt.engine.log.BatchFormat.TYPE_WRITE_EXTENT;

/**
 * The write path: appends writes, write-zeroes and deallocates to the hot stream's batch and keeps
 * the operations waiting for it; {@link #commit} writes the batch, syncs once if any of them needs
 * durability, applies it to the maps and completes them all (group commit).
 *
 * <p>Durability invariant: an operation that needs durability completes only after its batch and
 * every earlier batch on every device are synced; maps change only after the batch was written.
 */
final class WritePath {
    private static final Logger LOG = LoggerFactory.getLogger(WritePath.class);

    private final EngineState state;
    private final LogStream hot;
    private final SpaceAccounting space;
    private final LogWriter log;
    private final PayloadPipeline payloads;
    private final ImageTree tree;
    private final CRC32C crc = new CRC32C();
    private final Runnable commit = this::commit;
    /** Free segments for the hot stream: the cleaner's, which cleans inline when only the reserve is left. */
    private final IntSupplier nextSegment;
    private final BlockIo[] done;
    private final boolean[] doneNeedsSync;
    private int doneCount;
    private long hostBytes;

    WritePath(EngineState state, SpaceAccounting space, LogWriter log, PayloadPipeline payloads, ImageTree tree,
              IntSupplier nextSegment) {
        this.state = state;
        this.hot = state.hot;
        this.space = space;
        this.log = log;
        this.payloads = payloads;
        this.tree = tree;
        this.nextSegment = nextSegment;
        this.done = new BlockIo[state.config.queueCapacity()];
        this.doneNeedsSync = new boolean[state.config.queueCapacity()];
    }

    /** Whether another operation can wait for this batch. */
    boolean canTakeMore() {
        return doneCount < done.length;
    }

    /** Whether a commit has anything to write or complete. */
    boolean hasPending() {
        return !hot.isEmpty() || doneCount > 0;
    }

    void write(EngineBlockStore v, BlockIo io) {
        if (!v.inRange(io.offset(), io.length())) {
            Engine.complete(io, IoStatus.INTERNAL_ERROR);
            return;
        }
        int bs = v.blockSize();
        long lba = io.offset() >> v.blockShift();
        int n = io.length() >> v.blockShift();
        if (!space.admitWrite(v, lba, n)) {
            Engine.complete(io, IoStatus.NO_SPACE);
            return;
        }
        ByteBuf src = io.buffer();
        int from = src.readerIndex();
        for (int k = 0; k < n; k++) {
            if (!ensureRoom(bs)) {
                Engine.complete(io, IoStatus.NO_SPACE);
                return;
            }
            payloads.append(hot, v, lba + k, src, from + k * bs);
        }
        addDone(io, needsSync(v, io));
    }

    void writeZeroes(EngineBlockStore v, BlockIo io) {
        if (!v.inRange(io.offset(), io.length())) {
            Engine.complete(io, IoStatus.INTERNAL_ERROR);
        } else if (trim(v, io.offset() >> v.blockShift(), io.length() >> v.blockShift())) {
            addDone(io, needsSync(v, io));
        } else {
            Engine.complete(io, IoStatus.NO_SPACE);
        }
    }

    void deallocate(EngineBlockStore v, BlockIo io) {
        ByteBuf ranges = io.buffer();
        int at = ranges.readerIndex();
        for (int i = 0; i < io.length(); i++) {
            if (!v.inRange(ranges.getLong(at + i * 16), ranges.getLong(at + i * 16 + 8))) {
                Engine.complete(io, IoStatus.INTERNAL_ERROR);
                return;
            }
        }
        for (int i = 0; i < io.length(); i++) {
            long length = ranges.getLong(at + i * 16 + 8);
            if (length > 0 && !trim(v, ranges.getLong(at + i * 16) >> v.blockShift(), length >> v.blockShift())) {
                Engine.complete(io, IoStatus.NO_SPACE);
                return;
            }
        }
        addDone(io, needsSync(v, io));
    }

    /** A Flush completes with the batch, after syncing every dirty device. */
    void flush(BlockIo io) {
        addDone(io, true);
    }

    private static boolean needsSync(EngineBlockStore v, BlockIo io) {
        return !v.volatileWriteCache() || io.fua();
    }

    private boolean trim(EngineBlockStore v, long lba, long blocks) {
        if (blocks == 0) {
            return true;
        }
        if (!ensureRoom(0)) {
            return false;
        }
        hot.setFlagsAndSeed(hot.append(TYPE_TRIM, v.id(), lba, 0, blocks, (ByteBuf) null, 0, 0), 0, v.family());
        return true;
    }

    /**
     * Appends a SNAPSHOT record of volume {@code v}: when the batch is applied, image {@code id}
     * takes {@code v}'s map as of this point of the stream — after every write before it. False if
     * the log has no room.
     */
    boolean appendSnapshot(EngineBlockStore v, int id, String name, long createdMillis) {
        ByteBuffer payload = SnapshotName.encode(name);
        int length = payload.capacity();
        if (!ensureRoom(length)) {
            return false;
        }
        int e = hot.append(TYPE_SNAPSHOT, v.id(), id, 0, createdMillis, payload, 0, length);
        hot.setFlagsAndSeed(e, 0, v.family());
        hot.setCrc(e, BatchFormat.payloadCrc(hot.payload(), hot.payloadIndex(e), length, v.family(), id, crc));
        return true;
    }

    private boolean ensureRoom(int length) {
        return log.ensureRoom(hot, length, commit, nextSegment);
    }

    private void addDone(BlockIo io, boolean needsSync) {
        done[doneCount] = io;
        doneNeedsSync[doneCount++] = needsSync;
    }

    /** Writes the hot batch, syncs if needed, applies it and completes everything waiting. */
    void commit() {
        int status = IoStatus.OK;
        if (!hot.isEmpty()) {
            try {
                apply(log.write(hot));
            } catch (IOException e) {
                status = BlockDevice.isNoSpace(e) ? IoStatus.NO_SPACE : IoStatus.WRITE_ERROR;
                LOG.warn("Writing a batch to segment {} at {} failed ({}); abandoning the segment", hot.segment(),
                        hot.position(), e.toString());
                dropExtentReferences();
                log.abandon(hot);
            }
            space.batchDone();
        }
        int syncStatus = status;
        if (status == IoStatus.OK) {
            for (int i = 0; i < doneCount; i++) {
                if (doneNeedsSync[i]) {
                    syncStatus = log.syncQuietly() ? IoStatus.OK : IoStatus.WRITE_ERROR;
                    break;
                }
            }
        }
        for (int i = 0; i < doneCount; i++) {
            BlockIo io = done[i];
            done[i] = null;
            Engine.complete(io, doneNeedsSync[i] ? syncStatus : status);
        }
        doneCount = 0;
    }

    private void apply(long seq) {
        for (int i = 0; i < hot.count(); i++) {
            EngineBlockStore v = state.volumes.get(hot.volumeId(i));
            long lba = hot.lba(i);
            byte type = hot.type(i);
            if (type == TYPE_WRITE) {
                long address = hot.address(i);
                long old = v.map.set(lba, address, hot.crc(i));
                if (old != PhysAddr.NONE) {
                    space.releaseFromLeaf(v, lba, old);
                }
                space.acquire(v, address);
                hostBytes += v.blockSize();
            } else if (type == TYPE_TRIM) {
                v.map.clearRange(lba, hot.arg(i), space.releaser(v));
            } else if (type == TYPE_SNAPSHOT) {
                tree.snapshot(v, (int) lba, SnapshotName.decode(hot.payload().clear(), hot.payloadIndex(i)), hot.arg(i));
            } else if (type == TYPE_WRITE_EXTENT) {
                long id = hot.arg(i);
                state.extents.place(id, hot.address(i), hot.crc(i));
                space.extentPlaced(id, v.blockSize());
                mapExtent(v, lba, id);
                hostBytes += v.blockSize();
            } else if (type == TYPE_REF) {
                mapExtent(v, lba, hot.arg(i));
                hostBytes += v.blockSize();
            }
        }
        log.written(hot, seq, seq);
    }

    /**
     * Points {@code lba} at extent {@code id}, whose reference the append already took. Unlike a
     * payload's address, an extent can come back to an LBA that its image or the image's parent
     * already holds it at: then it joins that subtree of holders, which has its reference already.
     */
    private void mapExtent(EngineBlockStore v, long lba, long id) {
        long ref = PhysAddr.extent(id);
        long old = v.map.get(lba);
        if (old == ref) {
            space.unref(id, v.blockSize());
            return;
        }
        v.map.set(lba, ref, 0);
        if (old != PhysAddr.NONE) {
            space.releaseFromLeaf(v, lba, old);
        }
        if (SpaceAccounting.parentHolds(v, lba, ref)) {
            SpaceAccounting.mapped(v, ref, 1);
            space.unref(id, v.blockSize());
        } else {
            space.acquire(v, ref);
        }
    }

    /** The batch was not written: give back the extent references its WRITE_EXTENT and REF records took. */
    private void dropExtentReferences() {
        for (int i = 0; i < hot.count(); i++) {
            byte type = hot.type(i);
            if (type == TYPE_WRITE_EXTENT || type == TYPE_REF) {
                EngineBlockStore v = state.volumes.get(hot.volumeId(i));
                space.unref(hot.arg(i), v.blockSize());
            }
        }
    }

    long hostBytes() {
        return hostBytes;
    }
}
