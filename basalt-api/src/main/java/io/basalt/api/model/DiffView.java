package io.basalt.api.model;

import java.util.List;

/**
 * Changed-block tracking: the block ranges whose contents may differ between snapshot {@code from}
 * and {@code to} (another snapshot, or {@code null}: the volume now), in LBA order, one page.
 *
 * @param nextLba pass as {@code fromLba} for the next page; -1 when this is the last
 */
public record DiffView(String volume, String from, String to, int blockSize, List<Range> ranges, long nextLba) {
    /** {@code blocks} blocks from {@code lba}. */
    public record Range(long lba, long blocks) {
    }
}
