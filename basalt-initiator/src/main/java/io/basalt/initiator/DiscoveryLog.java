package io.basalt.initiator;

import java.util.List;

/**
 * The discovery log page (70h) as read consistently: the generation counter was the same before
 * and after the entries were read.
 */
public record DiscoveryLog(long generation, List<DiscoveryEntry> entries) {
    /** Size of the header: genctr le64, numrec le64, recfmt le16, reserved up to 1024. */
    public static final int HEADER_LENGTH = 1024;
    static final int GENCTR_OFFSET = 0;
    static final int NUMREC_OFFSET = 8;
    static final int RECFMT_OFFSET = 16;
}
