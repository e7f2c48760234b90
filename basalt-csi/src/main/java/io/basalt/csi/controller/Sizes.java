package io.basalt.csi.controller;

import csi.v1.CapacityRange;
import io.basalt.csi.rpc.CsiErrors;

/**
 * The size a CapacityRange asks for, in whole blocks. The spec's rule: at least {@code required_bytes}
 * (rounded up to the block size), at most {@code limit_bytes} when one is given, and the plugin's
 * choice when neither is. A range no whole number of blocks fits is OUT_OF_RANGE.
 */
final class Sizes {
    /** The size of a volume whose claim names none. */
    static final long DEFAULT_BYTES = 1L << 30;
    /** The largest volume the API accepts (1 PiB). */
    static final long MAX_BYTES = 1L << 50;

    private Sizes() {
    }

    /**
     * The size to create, at least {@code floor} (a clone is at least its snapshot) and never below
     * what the range requires.
     */
    static long choose(CapacityRange range, int blockSize, long floor) {
        long required = range.getRequiredBytes();
        long limit = range.getLimitBytes();
        if (required < 0 || limit < 0) {
            throw CsiErrors.invalid("capacity_range bytes must not be negative");
        }
        if (limit > 0 && required > limit) {
            throw CsiErrors.outOfRange("required_bytes " + required + " is above limit_bytes " + limit);
        }
        long size;
        if (required > 0) {
            size = roundUp(Math.max(required, floor), blockSize);
        } else if (floor > 0) {
            size = roundUp(floor, blockSize);
        } else {
            size = limit > 0 ? Math.min(DEFAULT_BYTES, limit / blockSize * blockSize) : DEFAULT_BYTES;
        }
        if (size <= 0 || (limit > 0 && size > limit)) {
            throw CsiErrors.outOfRange("no whole number of " + blockSize + "-byte blocks fits the range [" + required
                    + ", " + limit + "]" + (floor > 0 ? " at or above the source's " + floor + " bytes" : ""));
        }
        if (size > MAX_BYTES) {
            throw CsiErrors.outOfRange(size + " bytes is above the largest volume, " + MAX_BYTES + " bytes (1 PiB)");
        }
        return size;
    }

    /** Whether an existing volume of {@code size} bytes satisfies the range (idempotent create, expand). */
    static boolean fits(long size, CapacityRange range) {
        return size >= range.getRequiredBytes() && (range.getLimitBytes() == 0 || size <= range.getLimitBytes());
    }

    static long roundUp(long bytes, int blockSize) {
        if (bytes > MAX_BYTES) {
            throw CsiErrors.outOfRange(bytes + " bytes is above the largest volume, " + MAX_BYTES + " bytes (1 PiB)");
        }
        return (bytes + blockSize - 1) / blockSize * blockSize;
    }
}
