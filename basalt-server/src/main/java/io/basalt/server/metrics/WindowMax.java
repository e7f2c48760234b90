package io.basalt.server.metrics;

import java.util.function.LongSupplier;

/**
 * The largest value of roughly the last minute, as Micrometer's TimeWindowMax keeps it for a
 * Prometheus timer (three slots rotated every 20 s; a value stays in the answer 40 to 60 s), but
 * fed and read only at scrape time: what the I/O threads recorded since the previous scrape counts
 * as recorded at this one, so with scrapes more than 20 s apart a maximum may stay a window longer
 * than before, never shorter.
 */
final class WindowMax {
    static final long ROTATE_MILLIS = 20_000;
    private final LongSupplier wallClockMillis;
    private final long[] slots = new long[3];
    private int current;
    private long lastRotateMillis;

    WindowMax(LongSupplier wallClockMillis) {
        this.wallClockMillis = wallClockMillis;
        this.lastRotateMillis = wallClockMillis.getAsLong();
    }

    synchronized long recordAndPoll(long value) {
        rotate();
        for (int i = 0; i < slots.length; i++) {
            slots[i] = Math.max(slots[i], value);
        }
        return slots[current];
    }

    private void rotate() {
        long elapsed = wallClockMillis.getAsLong() - lastRotateMillis;
        if (elapsed < ROTATE_MILLIS) {
            return;
        }
        long rotations = elapsed / ROTATE_MILLIS;
        if (rotations >= slots.length) {
            java.util.Arrays.fill(slots, 0);
            current = 0;
        } else {
            for (long r = 0; r < rotations; r++) {
                slots[current] = 0;
                current = (current + 1) % slots.length;
            }
        }
        lastRotateMillis += rotations * ROTATE_MILLIS;
    }
}
