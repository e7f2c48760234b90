package io.basalt.initiator.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/** A bench run as parsed and checked from the command line. */
record BenchSettings(InetSocketAddress target, String nqn, String hostNqn, int nsid, Pattern rw, int rwmixread,
                     int bs, int iodepth, int queues, int runtimeSeconds, int rampSeconds, long size,
                     long offsetBytes, boolean verify, Path verifyLog, boolean verifyOnly, boolean headerDigest,
                     boolean dataDigest, long rateIops, Path json, boolean busyPoll) {

    enum Pattern {
        read, write, randread, randwrite, randrw;

        boolean random() {
            return this == randread || this == randwrite || this == randrw;
        }
    }
}
