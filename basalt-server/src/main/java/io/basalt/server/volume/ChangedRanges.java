package io.basalt.server.volume;

import java.util.List;

/**
 * One page of changed-block tracking between two images of a volume: ranges of blocks, in LBA
 * order, and where the next page starts.
 *
 * @param nextLba the first LBA of the next page, or −1 when this is the last
 */
public record ChangedRanges(List<Range> ranges, long nextLba) {
    /** {@code blocks} blocks from {@code lba}. */
    public record Range(long lba, long blocks) {
    }
}
