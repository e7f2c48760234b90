package io.basalt.engine.pool;

import java.util.List;

/**
 * One page of changed-block tracking: ranges of blocks (of the images' block size) whose contents
 * may differ between two images, in LBA order, and where the next page starts.
 *
 * @param ranges  at most the number asked for, each maximal
 * @param nextLba the first LBA of the next changed range (pass it as {@code fromLba}), or −1 when done
 */
public record DiffPage(List<Range> ranges, long nextLba) {
    /** {@code blocks} blocks from {@code lba}. */
    public record Range(long lba, long blocks) {
    }

    public boolean isLast() {
        return nextLba < 0;
    }
}
