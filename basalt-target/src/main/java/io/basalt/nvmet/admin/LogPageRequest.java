package io.basalt.nvmet.admin;

import io.basalt.nvme.Status;
import io.basalt.nvmet.core.Request;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The fields of a Get Log Page command (cdw10-13) and the common work of returning a window of a
 * log page: the host asks for NUMD dwords at byte offset LPO; bytes past the page's end are zero.
 *
 * @param lid    log page identifier
 * @param lsp    log specific field
 * @param rae    retain asynchronous event: reading does not clear the event
 * @param offset log page offset in bytes
 * @param length bytes requested
 */
public record LogPageRequest(int lid, int lsp, boolean rae, long offset, long length) {

    public static LogPageRequest parse(Request req) {
        int cdw10 = req.cdw(10);
        int cdw11 = req.cdw(11);
        long numd = ((((long) cdw11 & 0xFFFF) << 16) | (cdw10 >>> 16)) + 1;
        long lpo = (req.cdw(12) & 0xFFFFFFFFL) | ((long) req.cdw(13) << 32);
        return new LogPageRequest(cdw10 & 0xFF, (cdw10 >> 8) & 0x7F, (cdw10 & (1 << 15)) != 0, lpo, numd * 4);
    }

    /** Validates the window against the host's buffer; returns SUCCESS or the error status. */
    public int validate(Request req, int maxTransfer) {
        if ((offset & 3) != 0 || offset < 0) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        if (length > maxTransfer || length > req.sglLength()) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        return Status.SUCCESS;
    }

    /** A heap buffer for building a page of the given size; zeroed. */
    public static ByteBuf page(int size) {
        ByteBuf b = Unpooled.buffer(size, size);
        b.writeZero(size);
        return b;
    }

    /** Copies the requested window of {@code page} into the request's data and releases the page. */
    public int respond(Request req, ByteBuf page) {
        try {
            int len = (int) length;
            ByteBuf out = req.allocateData(len);
            out.writeZero(len);
            if (offset < page.readableBytes()) {
                int n = (int) Math.min(len, page.readableBytes() - offset);
                out.setBytes(0, page, (int) offset, n);
            }
            return Status.SUCCESS;
        } finally {
            page.release();
        }
    }
}
