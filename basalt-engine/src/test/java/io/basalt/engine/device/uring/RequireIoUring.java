package io.basalt.engine.device.uring;

import static org.assertj.core.api.Assertions.fail;

/**
 * For tests that prove io_uring works: a ring, or a failure that says how to get one. A skip would hide
 * that the engine silently fell back to reader threads.
 */
public final class RequireIoUring {
    private RequireIoUring() {
    }

    /** A ring of {@code entries}, closed by the caller; fails the test where io_uring is unavailable. */
    public static IoUring open(int entries) {
        try {
            return IoUring.open(entries);
        } catch (IoUring.UnavailableException e) {
            return fail("io_uring is unavailable (" + e.getMessage() + "): run on Linux >= 5.6 with "
                    + "sysctl kernel.io_uring_disabled=0, outside a seccomp profile that blocks io_uring_setup "
                    + "(docker run --security-opt seccomp=unconfined), and with --enable-native-access=ALL-UNNAMED");
        }
    }
}
