package io.basalt.nvmet.controller;

import java.util.ArrayDeque;

/**
 * A controller's asynchronous events: the Asynchronous Event Requests the host holds open, which
 * notices it enabled (Set Features 0Bh), and which are pending or masked. A reported event stays
 * masked until the host reads its log page with RAE clear, so a host is never told twice of what
 * one log read shows it. Touched on the admin queue's event loop only.
 */
final class AsyncEvents {
    /** The notices this target raises: the AEC bit enabling each, and its completion dword 0. */
    enum Notice {
        /** Namespace Attribute Changed: info 00h, Changed Namespace List log 04h. */
        NAMESPACE_ATTRIBUTE(1 << 8, 0x00, 0x04),
        /** Asymmetric Namespace Access Change: info 03h, ANA log 0Ch. */
        ANA_CHANGE(1 << 11, 0x03, 0x0C),
        /** Discovery Log Page Change (discovery controllers): info F0h, discovery log 70h. */
        DISCOVERY_LOG_CHANGE(1 << 31, 0xF0, 0x70);

        /** Event type 2: notice. */
        private static final int TYPE_NOTICE = 0x02;

        final int enabledBy;
        final int result;

        Notice(int enabledBy, int info, int logPage) {
            this.enabledBy = enabledBy;
            this.result = (logPage << 16) | (info << 8) | TYPE_NOTICE;
        }

        int bit() {
            return 1 << ordinal();
        }
    }

    private final ArrayDeque<Command> aers = new ArrayDeque<>();
    private int config;
    private int pending;
    private int masked;

    /** Async Event Configuration as the host set it. */
    int config() {
        return config;
    }

    void setConfig(int value) {
        config = value;
        deliver();
    }

    /** Holds an AER; false if {@code limit} are already held. */
    boolean addAer(Command aer, int limit) {
        if (aers.size() >= limit) {
            return false;
        }
        aers.add(aer);
        deliver();
        return true;
    }

    /** Forgets the AERs of a closing admin queue. */
    void dropAers() {
        aers.clear();
    }

    /**
     * The notice's condition occurred. A disabled notice is dropped (not reported later); a masked
     * one too, as the log the host is about to read shows the change.
     */
    void raise(Notice n) {
        if ((masked & n.bit()) == 0 && (config & n.enabledBy) != 0) {
            pending |= n.bit();
        }
        deliver();
    }

    /** The host read the notice's log page; with RAE clear that unmasks the notice. */
    void logRead(Notice n, boolean retainEvent) {
        if (!retainEvent) {
            masked &= ~n.bit();
            pending &= ~n.bit();
        }
    }

    private void deliver() {
        for (Notice n : Notice.values()) {
            if (aers.isEmpty()) {
                return;
            }
            if ((pending & n.bit()) != 0 && (masked & n.bit()) == 0 && (config & n.enabledBy) != 0) {
                Command aer = aers.poll();
                pending &= ~n.bit();
                masked |= n.bit();
                aer.setResult(n.result & 0xFFFFFFFFL);
                aer.completeLater();
            }
        }
    }
}
