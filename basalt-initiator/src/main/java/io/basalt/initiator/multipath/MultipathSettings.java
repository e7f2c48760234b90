package io.basalt.initiator.multipath;

/**
 * How a {@link MultipathController} routes around failed paths. Every default is here and nowhere else.
 *
 * @param noPathTimeoutMillis  how long an I/O waits for a usable path (optimized or non-optimized,
 *                             connected) before it fails with {@link NoUsablePathException}; counted
 *                             from the moment it first found none or first failed on a path. Linux's
 *                             native multipath queues the same way while a controller may come back.
 * @param retryIntervalMillis  how often waiting I/Os look for a usable path again (they also look at
 *                             once whenever a path's ANA states are read anew)
 * @param anaRefreshDelayMillis wait between attempts to read a path's ANA log while its controller
 *                             reconnects or the read fails
 */
public record MultipathSettings(int noPathTimeoutMillis, int retryIntervalMillis, int anaRefreshDelayMillis) {
    public static final int NO_PATH_TIMEOUT_MILLIS_DEFAULT = 30_000;
    public static final int RETRY_INTERVAL_MILLIS_DEFAULT = 5;
    public static final int ANA_REFRESH_DELAY_MILLIS_DEFAULT = 50;

    public MultipathSettings {
        if (noPathTimeoutMillis < 0 || retryIntervalMillis < 1 || anaRefreshDelayMillis < 1) {
            throw new IllegalArgumentException("noPathTimeoutMillis must not be negative, the intervals at least 1 ms");
        }
    }

    public static MultipathSettings defaults() {
        return new MultipathSettings(NO_PATH_TIMEOUT_MILLIS_DEFAULT, RETRY_INTERVAL_MILLIS_DEFAULT,
                ANA_REFRESH_DELAY_MILLIS_DEFAULT);
    }

    /** The defaults with another bound on waiting for a usable path. */
    public MultipathSettings withNoPathTimeoutMillis(int millis) {
        return new MultipathSettings(millis, retryIntervalMillis, anaRefreshDelayMillis);
    }
}
