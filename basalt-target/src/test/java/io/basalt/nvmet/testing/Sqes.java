package io.basalt.nvmet.testing;

import io.basalt.nvme.Opcodes;
import io.netty.buffer.ByteBuf;

/** Builders of the admin and I/O commands tests send; each returns a 64-byte SQE. */
public final class Sqes {
    private Sqes() {
    }

    public static ByteBuf identify(int cid, int cns, int nsid) {
        return identify(cid, cns, nsid, 0);
    }

    public static ByteBuf identify(int cid, int cns, int nsid, int csi) {
        ByteBuf sqe = Pdus.sqe(Opcodes.ADMIN_IDENTIFY, cid, nsid);
        sqe.setIntLE(40, cns);
        sqe.setIntLE(44, csi << 24);
        return sqe;
    }

    /** Get Log Page for {@code length} bytes (a multiple of 4) at byte offset {@code lpo}. */
    public static ByteBuf getLogPage(int cid, int nsid, int lid, int lsp, boolean rae, long lpo, int length) {
        ByteBuf sqe = Pdus.sqe(Opcodes.ADMIN_GET_LOG_PAGE, cid, nsid);
        int numd = length / 4 - 1;
        sqe.setIntLE(40, lid | (lsp << 8) | (rae ? 1 << 15 : 0) | ((numd & 0xFFFF) << 16));
        sqe.setIntLE(44, numd >>> 16);
        sqe.setLongLE(48, lpo);
        return sqe;
    }

    public static ByteBuf setFeatures(int cid, int fid, int cdw11, boolean save) {
        ByteBuf sqe = Pdus.sqe(Opcodes.ADMIN_SET_FEATURES, cid, 0);
        sqe.setIntLE(40, fid | (save ? 1 << 31 : 0));
        sqe.setIntLE(44, cdw11);
        return sqe;
    }

    public static ByteBuf getFeatures(int cid, int fid, int sel) {
        ByteBuf sqe = Pdus.sqe(Opcodes.ADMIN_GET_FEATURES, cid, 0);
        sqe.setIntLE(40, fid | (sel << 8));
        return sqe;
    }

    /** Read, Write, Write Zeroes: starting LBA and the 1's based block count. */
    public static ByteBuf blocks(int opcode, int cid, int nsid, long slba, int blocks) {
        ByteBuf sqe = Pdus.sqe(opcode, cid, nsid);
        sqe.setLongLE(40, slba);
        sqe.setIntLE(48, blocks - 1);
        return sqe;
    }

    /** Dataset Management with {@code ranges} ranges; AD (deallocate) if asked. */
    public static ByteBuf dsm(int cid, int nsid, int ranges, boolean deallocate) {
        ByteBuf sqe = Pdus.sqe(Opcodes.IO_DATASET_MANAGEMENT, cid, nsid);
        sqe.setIntLE(40, ranges - 1);
        sqe.setIntLE(44, deallocate ? 1 << 2 : 0);
        return sqe;
    }
}
