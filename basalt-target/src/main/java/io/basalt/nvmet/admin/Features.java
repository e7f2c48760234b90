package io.basalt.nvmet.admin;

import io.basalt.nvme.admin.FeatureIds;
import io.basalt.nvme.Status;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.core.Request;
import io.netty.buffer.ByteBuf;

/**
 * Get Features and Set Features: Number of Queues, Async Event Configuration, Keep Alive Timer,
 * Volatile Write Cache and Timestamp. None is saveable; all are changeable.
 */
public final class Features {
    public static final int FID_VOLATILE_WRITE_CACHE = FeatureIds.VOLATILE_WRITE_CACHE;
    public static final int FID_NUMBER_OF_QUEUES = FeatureIds.NUMBER_OF_QUEUES;
    public static final int FID_ASYNC_EVENT_CONFIG = FeatureIds.ASYNC_EVENT_CONFIG;
    public static final int FID_TIMESTAMP = FeatureIds.TIMESTAMP;
    public static final int FID_KEEP_ALIVE_TIMER = FeatureIds.KEEP_ALIVE_TIMER;

    static final int SEL_SUPPORTED_CAPABILITIES = 3;
    /** Supported capabilities: changeable (bit 2). */
    static final int CAPABILITY_CHANGEABLE = 0x4;
    static final int TIMESTAMP_LENGTH = 8;
    /** Async events we can raise: namespace attribute notices (bit 8) and ANA change notices (bit 11). */
    static final int AEC_SUPPORTED = (1 << 8) | (1 << 11);
    /** Discovery Log Page Change notices (bit 31): discovery controllers of a multi-brick subsystem. */
    static final int AEC_DISCOVERY_LOG_CHANGE = 1 << 31;

    private Features() {
    }

    /** Whether Set Features with this FID needs data from the host, and how much. */
    static int setDataLength(int fid) {
        return fid == FID_TIMESTAMP ? TIMESTAMP_LENGTH : 0;
    }

    static int set(Request req) {
        Controller c = req.queue().controller();
        int cdw10 = req.cdw(10);
        int fid = cdw10 & 0xFF;
        if ((cdw10 & (1 << 31)) != 0) {
            return Status.FEATURE_NOT_SAVEABLE | Status.DNR;
        }
        int cdw11 = req.cdw(11);
        switch (fid) {
            case FID_NUMBER_OF_QUEUES -> {
                int nsqr = cdw11 & 0xFFFF;
                int ncqr = cdw11 >>> 16;
                if (nsqr == 0xFFFF || ncqr == 0xFFFF) {
                    return Status.INVALID_FIELD | Status.DNR;
                }
                int max = req.queue().config().maxIoQueues();
                int granted = Math.min(Math.min(nsqr, ncqr) + 1, max);
                c.setGrantedIoQueues(granted);
                req.setResult(((long) (granted - 1) << 16) | (granted - 1));
            }
            case FID_ASYNC_EVENT_CONFIG -> c.setAsyncEventConfig(cdw11 & supportedEvents(c));
            case FID_KEEP_ALIVE_TIMER -> c.setKatoMillis(Math.max(0, cdw11));
            case FID_VOLATILE_WRITE_CACHE -> {
                if ((IdentifyController.volatileWriteCacheField(c) & 1) == 0) {
                    return Status.INVALID_FIELD | Status.DNR;
                }
                c.setWriteCacheEnabled((cdw11 & 1) != 0);
            }
            case FID_TIMESTAMP -> {
                ByteBuf d = req.data();
                if (d == null || d.readableBytes() < TIMESTAMP_LENGTH) {
                    return Status.SGL_INVALID_DATA_LENGTH | Status.DNR;
                }
                long millis = d.getLongLE(d.readerIndex()) & 0xFFFF_FFFF_FFFFL;
                c.setTimestamp(millis);
            }
            default -> {
                return Status.INVALID_FIELD | Status.DNR;
            }
        }
        return Status.SUCCESS;
    }

    /** The notices this controller can raise; a lone brick's discovery controllers keep the old mask. */
    static int supportedEvents(Controller c) {
        return c.isDiscovery() && c.subsystem().multipath().anaGroupPerNamespace()
                ? AEC_SUPPORTED | AEC_DISCOVERY_LOG_CHANGE : AEC_SUPPORTED;
    }

    static int get(Request req) {
        Controller c = req.queue().controller();
        int cdw10 = req.cdw(10);
        int fid = cdw10 & 0xFF;
        int sel = (cdw10 >> 8) & 0x7;
        boolean supported = switch (fid) {
            case FID_NUMBER_OF_QUEUES, FID_ASYNC_EVENT_CONFIG, FID_KEEP_ALIVE_TIMER, FID_TIMESTAMP -> true;
            case FID_VOLATILE_WRITE_CACHE -> (IdentifyController.volatileWriteCacheField(c) & 1) != 0;
            default -> false;
        };
        if (!supported) {
            return Status.INVALID_FIELD | Status.DNR;
        }
        if (sel == SEL_SUPPORTED_CAPABILITIES) {
            req.setResult(CAPABILITY_CHANGEABLE);
            return Status.SUCCESS;
        }
        switch (fid) {
            case FID_NUMBER_OF_QUEUES -> {
                int n = c.grantedIoQueues() - 1;
                req.setResult(((long) n << 16) | n);
            }
            case FID_ASYNC_EVENT_CONFIG -> req.setResult(c.asyncEventConfig());
            case FID_KEEP_ALIVE_TIMER -> req.setResult(c.katoMillis() & 0xFFFFFFFFL);
            case FID_VOLATILE_WRITE_CACHE -> req.setResult(c.writeCacheEnabled() ? 1 : 0);
            case FID_TIMESTAMP -> {
                if (req.sglLength() < TIMESTAMP_LENGTH) {
                    return Status.SGL_INVALID_DATA_LENGTH | Status.DNR;
                }
                ByteBuf out = req.allocateData(TIMESTAMP_LENGTH);
                // Bits 47:0 milliseconds; attributes: origin 001b (set by host) in bits 3:1 of byte 6.
                long attributes = c.timestampSet() ? (1L << 1) : 0;
                out.writeLongLE((c.timestamp() & 0xFFFF_FFFF_FFFFL) | (attributes << 48));
            }
            default -> {
                return Status.INVALID_FIELD | Status.DNR;
            }
        }
        return Status.SUCCESS;
    }
}
