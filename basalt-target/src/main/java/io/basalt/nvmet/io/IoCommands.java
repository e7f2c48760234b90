package io.basalt.nvmet.io;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.core.CommandSet;
import io.basalt.nvmet.core.Request;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.volume.IoCounters;
import io.basalt.volume.Volume;
import io.basalt.volume.qos.QosLimiter;
import io.netty.buffer.ByteBuf;

/**
 * NVM command set I/O commands — Read, Write, Flush, Write Zeroes, Dataset Management — turned
 * into {@link BlockIo} operations on the namespace's {@link Volume}. This is the one adapter between
 * the NVMe layer and the volume layer: it checks this path's ANA state, validates ranges and lengths
 * against the volume, applies the volume's QoS limits (delaying, never failing, a command over them),
 * submits to the volume's store (the top of its store chain), counts and observes completions in the
 * volume, and maps store outcomes back to NVMe status codes.
 */
public final class IoCommands implements CommandSet {
    /** Write/Read CDW12 bit 30: force unit access. */
    static final int FUA = 1 << 30;
    /** Dataset Management CDW11 bit 2: deallocate the ranges. */
    static final int DSM_DEALLOCATE = 1 << 2;
    /** Each DSM range: context attributes le32, length in blocks le32, starting LBA le64. */
    static final int DSM_RANGE_LENGTH = 16;
    static final int DSM_MAX_RANGES = 256;

    @Override
    public int prepare(Request req) {
        Controller c = req.queue().controller();
        Namespace ns = c.namespace(req.nsid());
        if (ns == null) {
            return Status.INVALID_NAMESPACE | Status.DNR;
        }
        // Before anything else, as nvmet does: a path that does not serve the namespace answers a
        // path-related status (no DNR), and the host retries on another path. One volatile read.
        int pathStatus = ns.anaState().ioStatus();
        if (pathStatus != Status.SUCCESS) {
            return pathStatus;
        }
        Volume v = ns.volume();
        return switch (req.opcode()) {
            case Opcodes.IO_READ -> prepareReadWrite(req, v, BlockIo.OP_READ, c);
            case Opcodes.IO_WRITE -> prepareReadWrite(req, v, BlockIo.OP_WRITE, c);
            case Opcodes.IO_FLUSH -> {
                req.setBlockOp(v, BlockIo.OP_FLUSH, 0, 0, false);
                yield Status.SUCCESS;
            }
            case Opcodes.IO_WRITE_ZEROES -> prepareWriteZeroes(req, v, c);
            case Opcodes.IO_DATASET_MANAGEMENT -> prepareDsm(req, v);
            default -> Status.INVALID_OPCODE | Status.DNR;
        };
    }

    private int prepareReadWrite(Request req, Volume v, int op, Controller c) {
        long slba = (req.cdw(10) & 0xFFFFFFFFL) | ((long) req.cdw(11) << 32);
        int cdw12 = req.cdw(12);
        long blocks = (cdw12 & 0xFFFF) + 1L;
        if (!inRange(v, slba, blocks)) {
            return Status.LBA_OUT_OF_RANGE | Status.DNR;
        }
        long length = blocks * v.blockSize();
        if (length > req.queue().config().maxTransferSize()) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        if (req.sglLength() != length) {
            return Status.SGL_INVALID_DATA_LENGTH | Status.DNR;
        }
        boolean fua = op == BlockIo.OP_WRITE && ((cdw12 & FUA) != 0 || !c.writeCacheEnabled());
        req.setBlockOp(v, op, slba * v.blockSize(), (int) length, fua);
        return Status.SUCCESS;
    }

    private int prepareWriteZeroes(Request req, Volume v, Controller c) {
        long slba = (req.cdw(10) & 0xFFFFFFFFL) | ((long) req.cdw(11) << 32);
        int cdw12 = req.cdw(12);
        long blocks = (cdw12 & 0xFFFF) + 1L;
        if (!inRange(v, slba, blocks)) {
            return Status.LBA_OUT_OF_RANGE | Status.DNR;
        }
        boolean fua = (cdw12 & FUA) != 0 || !c.writeCacheEnabled();
        req.setBlockOp(v, BlockIo.OP_WRITE_ZEROES, slba * v.blockSize(), (int) (blocks * v.blockSize()), fua);
        return Status.SUCCESS;
    }

    private int prepareDsm(Request req, Volume v) {
        int ranges = (req.cdw(10) & 0xFF) + 1;
        if (req.sglLength() < (long) ranges * DSM_RANGE_LENGTH || req.sglLength() > DSM_MAX_RANGES * DSM_RANGE_LENGTH) {
            return Status.SGL_INVALID_DATA_LENGTH | Status.DNR;
        }
        req.setBlockOp(v, BlockIo.OP_DEALLOCATE, 0, ranges, false);
        return Status.SUCCESS;
    }

    /** Whether [slba, slba + blocks) lies inside the volume, without overflow. */
    static boolean inRange(Volume v, long slba, long blocks) {
        long size = v.blocks();
        return slba >= 0 && slba < size && blocks <= size - slba;
    }

    @Override
    public int execute(Request req) {
        Volume v = req.volume();
        switch (req.op()) {
            case BlockIo.OP_READ -> req.allocateReadData(req.length());
            case BlockIo.OP_DEALLOCATE -> {
                if ((req.cdw(11) & DSM_DEALLOCATE) == 0) {
                    return Status.SUCCESS; // only attributes (hints): nothing to do
                }
                int status = toEngineRanges(req, v);
                if (status != Status.SUCCESS) {
                    return status;
                }
            }
            default -> {
            }
        }
        QosLimiter qos = v.qos();
        if (qos != null) {
            long wait = switch (req.op()) {
                case BlockIo.OP_READ -> qos.reserveRead(req.length());
                case BlockIo.OP_WRITE, BlockIo.OP_WRITE_ZEROES -> qos.reserveWrite(req.op() == BlockIo.OP_WRITE
                        ? req.length() : 0);
                default -> 0;
            };
            if (wait > 0) {
                v.counters().countThrottled();
                req.runAfter(IoCommands::submit, wait);
                return Request.PENDING;
            }
        }
        submit(req);
        return Request.PENDING;
    }

    /**
     * Hands the prepared block operation to the volume's store (the top of its chain): the only call
     * into storage in the target. The request completes when the store completes it.
     */
    private static void submit(Request req) {
        req.enter(Request.State.IN_STORE);
        req.volume().store().submit(req);
        req.submitted();
    }

    /** Rewrites the host's DSM ranges as the engine's (byte offset, byte length) pairs. */
    private static int toEngineRanges(Request req, Volume v) {
        ByteBuf host = req.data();
        int ranges = req.length();
        ByteBuf engine = host.alloc().directBuffer(ranges * 16);
        int base = host.readerIndex();
        for (int i = 0; i < ranges; i++) {
            int at = base + i * DSM_RANGE_LENGTH;
            long blocks = host.getUnsignedIntLE(at + 4);
            long slba = host.getLongLE(at + 8);
            if (blocks == 0) {
                continue;
            }
            if (!inRange(v, slba, blocks)) {
                engine.release();
                return Status.LBA_OUT_OF_RANGE | Status.DNR;
            }
            engine.writeLong(slba * v.blockSize()).writeLong(blocks * v.blockSize());
        }
        int count = engine.readableBytes() / 16;
        req.replaceData(engine);
        req.setBlockOp(v, BlockIo.OP_DEALLOCATE, 0, count, false);
        return Status.SUCCESS;
    }

    /** Maps a store outcome to NVMe status and counts completed reads and writes in the volume. */
    @Override
    public int blockOpDone(Request req, int ioStatus) {
        Volume v = req.volume();
        int op = req.op();
        if (op == BlockIo.OP_READ || op == BlockIo.OP_WRITE) {
            boolean ok = ioStatus == IoStatus.OK;
            IoCounters counters = v.counters();
            if (ok) {
                if (op == BlockIo.OP_READ) {
                    counters.countRead(req.length());
                } else {
                    counters.countWrite(req.length());
                }
            } else {
                counters.countError();
            }
            v.observer().completed(op == BlockIo.OP_WRITE, req.length(), System.nanoTime() - req.startNanos(), ok);
        }
        return switch (ioStatus) {
            case IoStatus.OK -> Status.SUCCESS;
            case IoStatus.READ_ERROR -> Status.UNRECOVERED_READ_ERROR;
            case IoStatus.WRITE_ERROR -> Status.WRITE_FAULT;
            case IoStatus.NO_SPACE -> Status.CAPACITY_EXCEEDED | Status.DNR;
            case IoStatus.WRITE_PROTECTED -> Status.NAMESPACE_WRITE_PROTECTED | Status.DNR;
            // A path status without DNR: the host's multipath retries on another path.
            case IoStatus.PATH_UNAVAILABLE -> Status.ANA_INACCESSIBLE;
            default -> Status.INTERNAL_ERROR;
        };
    }
}
