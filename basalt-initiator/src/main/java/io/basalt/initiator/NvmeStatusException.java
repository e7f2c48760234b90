package io.basalt.initiator;

import io.basalt.nvme.Status;

/** The controller completed a command with a non-success NVMe status. */
public final class NvmeStatusException extends NvmeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public NvmeStatusException(String command, int status) {
        super(command + " failed: " + Status.describe(status), null);
        this.status = status;
    }

    /** The status field without the phase bit, as in {@link Status}. */
    public int status() {
        return status;
    }

    /** The readable name, as {@link Status#describe(int)} gives it. */
    public String statusName() {
        return Status.describe(status);
    }

    /** True when the controller set Do Not Retry. */
    public boolean doNotRetry() {
        return (status & Status.DNR) != 0;
    }
}
