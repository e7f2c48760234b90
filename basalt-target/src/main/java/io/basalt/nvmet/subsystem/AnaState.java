package io.basalt.nvmet.subsystem;

import io.basalt.nvme.Status;
import io.basalt.nvme.admin.AnaGroupDescriptor;

/**
 * The Asymmetric Namespace Access state of a namespace on this brick's path: how hosts should
 * treat I/O sent here. Linux sends I/O to optimized paths first, then non-optimized ones; the
 * other states get none, and a command that reaches one anyway fails with a path-related status
 * (SCT 3h, never DNR) so the host retries it on another path.
 */
public enum AnaState {
    /** This path serves the namespace at its best: the primary. */
    OPTIMIZED(AnaGroupDescriptor.STATE_OPTIMIZED, Status.SUCCESS),
    /** This path serves the namespace, more slowly; used when no optimized path is left. */
    NON_OPTIMIZED(AnaGroupDescriptor.STATE_NON_OPTIMIZED, Status.SUCCESS),
    /** This path does not serve the namespace now (e.g. it holds a replica, not the primary). */
    INACCESSIBLE(AnaGroupDescriptor.STATE_INACCESSIBLE, Status.ANA_INACCESSIBLE),
    /** This path will never serve the namespace again. */
    PERSISTENT_LOSS(AnaGroupDescriptor.STATE_PERSISTENT_LOSS, Status.ANA_PERSISTENT_LOSS),
    /** The path is changing state (taking over); it must leave this state within ANATT. */
    CHANGE(AnaGroupDescriptor.STATE_CHANGE, Status.ANA_TRANSITION);

    private final int code;
    private final int ioStatus;

    AnaState(int code, int ioStatus) {
        this.code = code;
        this.ioStatus = ioStatus;
    }

    /** The state's code in the ANA log page. */
    public int code() {
        return code;
    }

    /** The status an I/O command to a namespace in this state completes with; SUCCESS if it may run. */
    public int ioStatus() {
        return ioStatus;
    }
}
