package io.basalt.initiator.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * A bench run as parsed and checked from the command line. {@code target} is the first of
 * {@code paths}; with more than one path, or with {@code discover}, the run uses multipath and an
 * I/O waits up to {@code noPathTimeoutMillis} for a usable path.
 */
record BenchSettings(InetSocketAddress target, String nqn, String hostNqn, int nsid, Pattern rw, int rwmixread,
                     int bs, int iodepth, int queues, int runtimeSeconds, int rampSeconds, long size,
                     long offsetBytes, boolean verify, Path verifyLog, boolean verifyOnly, boolean headerDigest,
                     boolean dataDigest, long rateIops, Path json, boolean busyPoll, List<InetSocketAddress> paths,
                     InetSocketAddress discover, int noPathTimeoutMillis) {

    /** One path, no multipath. */
    BenchSettings(InetSocketAddress target, String nqn, String hostNqn, int nsid, Pattern rw, int rwmixread,
                  int bs, int iodepth, int queues, int runtimeSeconds, int rampSeconds, long size,
                  long offsetBytes, boolean verify, Path verifyLog, boolean verifyOnly, boolean headerDigest,
                  boolean dataDigest, long rateIops, Path json, boolean busyPoll) {
        this(target, nqn, hostNqn, nsid, rw, rwmixread, bs, iodepth, queues, runtimeSeconds, rampSeconds, size,
                offsetBytes, verify, verifyLog, verifyOnly, headerDigest, dataDigest, rateIops, json, busyPoll,
                List.of(target), null, 0);
    }

    /** Whether every path of the subsystem is connected and I/O follows ANA. */
    boolean multipath() {
        return discover != null || paths.size() > 1;
    }

    /** These settings with what the run found out: the namespace, its queues and its size. */
    BenchSettings resolved(int nsid, int queues, long size) {
        return new BenchSettings(target, nqn, hostNqn, nsid, rw, rwmixread, bs, iodepth, queues, runtimeSeconds,
                rampSeconds, size, offsetBytes, verify || verifyLog != null, verifyLog, false, headerDigest,
                dataDigest, rateIops, json, busyPoll, paths, discover, noPathTimeoutMillis);
    }

    enum Pattern {
        read, write, randread, randwrite, randrw;

        boolean random() {
            return this == randread || this == randwrite || this == randrw;
        }
    }
}
