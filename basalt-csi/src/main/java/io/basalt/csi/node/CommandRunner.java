package io.basalt.csi.node;

import java.io.IOException;
import java.util.List;

/**
 * Runs one host command. Every touch of the node's kernel — nvme-cli, blkid, mkfs, mount, /sys —
 * goes through this interface as a plain argument vector, so the node service can be driven against
 * this machine ({@link ProcessRunner}), against a Linux guest whose kernel does the work (a runner
 * that forwards each command to the guest), or against a recording in unit tests.
 */
public interface CommandRunner {
    /** The outcome of a command: its exit status and what it printed. */
    record Result(int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code argv} to completion.
     *
     * @throws IOException when the command cannot be started (not installed) or does not finish in time
     */
    Result run(List<String> argv) throws IOException;
}
