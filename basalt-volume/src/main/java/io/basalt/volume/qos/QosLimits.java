package io.basalt.volume.qos;

/**
 * A volume's QoS limits. Zero means unlimited. IOPS count commands; bandwidth counts bytes per
 * second. {@code iopsPerGib} scales an IOPS limit with the volume's size (as cloud block stores
 * do): the effective read and write IOPS limits are the smaller of the fixed and the scaled one.
 */
public record QosLimits(long readIops, long writeIops, long readBytesPerSecond, long writeBytesPerSecond,
                        long iopsPerGib) {
    public static final QosLimits UNLIMITED = new QosLimits(0, 0, 0, 0, 0);

    public QosLimits {
        if (readIops < 0 || writeIops < 0 || readBytesPerSecond < 0 || writeBytesPerSecond < 0 || iopsPerGib < 0) {
            throw new IllegalArgumentException("QoS limits must not be negative");
        }
    }

    public boolean isUnlimited() {
        return readIops == 0 && writeIops == 0 && readBytesPerSecond == 0 && writeBytesPerSecond == 0
                && iopsPerGib == 0;
    }

    /** The read IOPS limit for a volume of this size, or 0 for none. */
    public long effectiveReadIops(long sizeBytes) {
        return combine(readIops, scaled(sizeBytes));
    }

    /** The write IOPS limit for a volume of this size, or 0 for none. */
    public long effectiveWriteIops(long sizeBytes) {
        return combine(writeIops, scaled(sizeBytes));
    }

    private long scaled(long sizeBytes) {
        if (iopsPerGib == 0) {
            return 0;
        }
        // At least one IOPS, so a tiny volume is slowed, not stalled.
        return Math.max(1, (long) (iopsPerGib * (sizeBytes / (double) (1L << 30))));
    }

    private static long combine(long fixed, long scaled) {
        if (fixed == 0) {
            return scaled;
        }
        return scaled == 0 ? fixed : Math.min(fixed, scaled);
    }
}
