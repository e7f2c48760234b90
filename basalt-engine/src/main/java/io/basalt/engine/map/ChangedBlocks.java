package io.basalt.engine.map;

/**
 * Changed-block tracking between two maps of one family: the LBA ranges whose entries differ. A
 * chunk both maps share (the same object) is unchanged and skipped without reading its entries, so
 * comparing a snapshot with the next one costs O(chunks) plus the chunks written in between. Blocks
 * rewritten with the same data still count as changed (a new address): the answer is a superset.
 */
public final class ChangedBlocks {
    private ChangedBlocks() {
    }

    /** Receives one range of changed blocks. */
    @FunctionalInterface
    public interface RangeSink {
        void range(long lba, long blocks);
    }

    /**
     * Sends at most {@code maxRanges} maximal ranges where {@code a} and {@code b} differ, from
     * {@code fromLba} on, to {@code sink}; returns the first LBA of the next range, or −1 if there is none.
     */
    public static long diff(VolumeMap a, VolumeMap b, long fromLba, int maxRanges, RangeSink sink) {
        if (maxRanges <= 0) {
            throw new IllegalArgumentException("maxRanges must be positive");
        }
        long end = Math.max(a.blocks(), b.blocks());
        int sent = 0;
        long run = -1;
        for (long at = Math.max(0, fromLba); at < end; ) {
            int c = (int) (at >>> VolumeMap.CHUNK_SHIFT);
            long chunkEnd = Math.min(end, ((long) c + 1) << VolumeMap.CHUNK_SHIFT);
            if (a.sameChunk(b, c)) {
                if (run >= 0) {
                    sink.range(run, at - run);
                    sent++;
                    run = -1;
                }
                at = chunkEnd;
                continue;
            }
            for (; at < chunkEnd; at++) {
                boolean differs = a.get(at) != b.get(at);
                if (differs && run < 0) {
                    if (sent == maxRanges) {
                        return at;
                    }
                    run = at;
                } else if (!differs && run >= 0) {
                    sink.range(run, at - run);
                    sent++;
                    run = -1;
                }
            }
        }
        if (run >= 0) {
            sink.range(run, end - run);
        }
        return -1;
    }
}
