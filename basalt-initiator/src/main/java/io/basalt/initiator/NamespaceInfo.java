package io.basalt.initiator;

import io.netty.buffer.ByteBuf;

import static io.basalt.nvme.admin.IdentifyNamespaceData.FLBAS_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.LBAF0_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.LBAF_LBADS;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NCAP_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NLBAF_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.NSZE_OFFSET;
import static io.basalt.nvme.admin.IdentifyNamespaceData.formatInUse;

/**
 * What Identify Namespace (CNS 00h) says about one namespace, and the handle I/O methods take.
 *
 * @param nsid      namespace ID
 * @param size      NSZE, in logical blocks
 * @param capacity  NCAP, in logical blocks (0 means the namespace is not active)
 * @param blockSize bytes per logical block of the format in use (FLBAS); 0 for an inactive namespace
 * @param metadataSize metadata bytes per block of that format
 */
public record NamespaceInfo(int nsid, long size, long capacity, int blockSize, int metadataSize) {
    /**
     * Parses the 4096-byte Identify Namespace data at {@code base}. For an NSID that is not active
     * for this host (not attached, hidden from it, or no namespace at all) a controller returns all
     * zeros (NVMe Base, Identify CNS 00h): NSZE 0 reads as an inactive namespace, whose zero
     * format fields are not an error.
     */
    public static NamespaceInfo parse(int nsid, ByteBuf b, int base) {
        long nsze = b.getLongLE(base + NSZE_OFFSET);
        if (nsze == 0) {
            return new NamespaceInfo(nsid, 0, 0, 0, 0);
        }
        int flbas = b.getUnsignedByte(base + FLBAS_OFFSET);
        int format = formatInUse(flbas);
        int nlbaf = b.getUnsignedByte(base + NLBAF_OFFSET);
        if (format > nlbaf || format >= 64) {
            throw new NvmeTransportException("namespace " + nsid + ": FLBAS names format " + format
                    + " but only " + (nlbaf + 1) + " exist");
        }
        int lbaf = base + LBAF0_OFFSET + 4 * format;
        int ms = b.getUnsignedShortLE(lbaf);
        int lbads = b.getUnsignedByte(lbaf + LBAF_LBADS);
        if (lbads < 9 || lbads > 20) {
            throw new NvmeTransportException("namespace " + nsid + ": unsupported LBA data size 2^" + lbads);
        }
        return new NamespaceInfo(nsid, nsze, b.getLongLE(base + NCAP_OFFSET), 1 << lbads, ms);
    }

    /** Size in bytes. */
    public long sizeBytes() {
        return size * blockSize;
    }

    /** False when the controller reports the NSID as inactive (NSZE or NCAP 0). */
    public boolean active() {
        return capacity != 0;
    }
}
