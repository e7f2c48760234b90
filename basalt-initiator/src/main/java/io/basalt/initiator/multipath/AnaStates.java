package io.basalt.initiator.multipath;

import io.basalt.nvme.admin.AnaGroupDescriptor;
import io.basalt.nvme.admin.AnaLogHeader;
import io.netty.buffer.ByteBuf;

import java.util.Arrays;

/**
 * One path's ANA state of every namespace, as read from its ANA log page (0Ch): an immutable
 * table indexed by NSID, replaced as a whole when the log is read again, so the I/O path reads it
 * with one volatile load and no lock. State 0 (no entry) means unknown: not usable.
 */
final class AnaStates {
    /** Nothing known (never read, or invalidated after a path failure): no namespace is usable. */
    static final AnaStates UNKNOWN = new AnaStates(new int[0], false, 0);
    /** The controller does not report ANA (CMIC bit 3 clear): every namespace is optimized. */
    static final AnaStates NOT_REPORTED = new AnaStates(new int[0], true, 0);
    /** NSIDs above this are ignored: Basalt's subsystems stop at 1024, the table is indexed by NSID. */
    static final int MAX_NSID = 1 << 16;

    private final int[] states;
    private final boolean allOptimized;
    private final long changeCount;

    private AnaStates(int[] states, boolean allOptimized, long changeCount) {
        this.states = states;
        this.allOptimized = allOptimized;
        this.changeCount = changeCount;
    }

    /** Parses a full ANA log page (NSID lists included) that starts at {@code base}. */
    static AnaStates parse(ByteBuf log, int base) {
        int groups = AnaLogHeader.ngrps(log, base);
        int[] table = new int[0];
        int at = base + AnaLogHeader.LENGTH;
        for (int g = 0; g < groups; g++) {
            int state = AnaGroupDescriptor.state(log, at) & 0x0F;
            int count = AnaGroupDescriptor.nnsids(log, at);
            if (count < 0 || at + AnaGroupDescriptor.length(count) > log.writerIndex()) {
                throw new IllegalArgumentException("ANA log group " + g + " runs past the page");
            }
            for (int i = 0; i < count; i++) {
                long nsid = AnaGroupDescriptor.nsid(log, at, i);
                if (nsid < 1 || nsid > MAX_NSID) {
                    continue;
                }
                if (nsid >= table.length) {
                    table = Arrays.copyOf(table, (int) Math.max(nsid + 1, table.length * 2L));
                }
                table[(int) nsid] = state;
            }
            at += AnaGroupDescriptor.length(count);
        }
        return new AnaStates(table, false, AnaLogHeader.chgcnt(log, base));
    }

    /** The namespace's state ({@link AnaGroupDescriptor#STATE_OPTIMIZED}...), 0 when unknown. */
    int state(int nsid) {
        if (allOptimized) {
            return AnaGroupDescriptor.STATE_OPTIMIZED;
        }
        return nsid > 0 && nsid < states.length ? states[nsid] : 0;
    }

    /** This table with one namespace's state replaced, as learnt from an I/O's status. */
    AnaStates with(int nsid, int state) {
        if (allOptimized || nsid < 1 || nsid > MAX_NSID) {
            return this;
        }
        int[] table = Arrays.copyOf(states, Math.max(states.length, nsid + 1));
        table[nsid] = state;
        return new AnaStates(table, false, changeCount);
    }

    /** The log's change count when read (0 when not read from a log). */
    long changeCount() {
        return changeCount;
    }

    static String describe(int state) {
        return switch (state) {
            case 0 -> "unknown";
            case AnaGroupDescriptor.STATE_OPTIMIZED -> "optimized";
            case AnaGroupDescriptor.STATE_NON_OPTIMIZED -> "non-optimized";
            case AnaGroupDescriptor.STATE_INACCESSIBLE -> "inaccessible";
            case AnaGroupDescriptor.STATE_PERSISTENT_LOSS -> "persistent loss";
            case AnaGroupDescriptor.STATE_CHANGE -> "change";
            default -> "state " + state;
        };
    }
}
