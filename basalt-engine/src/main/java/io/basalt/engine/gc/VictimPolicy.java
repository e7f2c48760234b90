package io.basalt.engine.gc;

/**
 * Cost-benefit victim choice (Rosenblum and Ousterhout's LFS): clean the FULL segment maximising
 * {@code (1 - u) * age / (1 + u)}, u its live fraction, age the sequences since its data was
 * written ({@link SegmentTable#dataSeq}; sequences compare by their counter, without the epoch).
 * Only segments wholly older than the last durable checkpoint are eligible, so the replay path
 * never crosses a reused segment.
 */
public final class VictimPolicy {
    /** Sequences are {@code epoch << 40 | counter}; the counter keeps counting across epochs. */
    public static final long COUNTER_MASK = (1L << 40) - 1;

    private VictimPolicy() {
    }

    /** The best victim, or -1 if none is eligible or none would free anything. */
    public static int choose(SegmentTable table, int segmentSize, long checkpointFloor, long nowSeq) {
        int best = -1;
        double bestScore = -1;
        for (int s = 0; s < table.segments(); s++) {
            if (table.state(s) != SegmentTable.FULL || table.lastSeq(s) >= checkpointFloor) {
                continue;
            }
            double u = (double) table.live(s) / segmentSize;
            if (u >= 1.0) {
                continue;
            }
            double age = Math.max(1, (nowSeq & COUNTER_MASK) - (table.dataSeq(s) & COUNTER_MASK));
            double score = (1 - u) * age / (1 + u);
            if (score > bestScore) {
                bestScore = score;
                best = s;
            }
        }
        return best;
    }
}
