package io.basalt.initiator.multipath;

import io.basalt.initiator.AsyncEventListener;
import io.basalt.initiator.NvmeController;
import io.basalt.nvme.admin.AnaLogHeader;
import io.basalt.nvme.admin.IdentifyControllerData;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One path of a multipath subsystem: a controller on one port, and what the host knows of its
 * ANA states. The states are read from the ANA log page when the path is set up, when the
 * controller sends an ANA change notice, after it reconnects, and after an I/O on it failed with a
 * path status or a transport error; reads run on the multipath control thread, never on an event
 * loop. Between reads an I/O's status is taken at its word ({@link #learn}).
 */
final class SubsystemPath implements AsyncEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(SubsystemPath.class);

    final int index;
    final NvmeController controller;
    private final ScheduledExecutorService control;
    private final MultipathSettings settings;
    private final Runnable onStatesRead;
    private final AtomicReference<AnaStates> ana = new AtomicReference<>(AnaStates.UNKNOWN);
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final boolean anaReporting;
    private final int logLength;
    private volatile boolean closed;

    /** Reads Identify Controller to size the ANA log; blocks. {@code onStatesRead} runs after every read. */
    SubsystemPath(int index, NvmeController controller, ScheduledExecutorService control, MultipathSettings settings,
                  Runnable onStatesRead) {
        this.index = index;
        this.controller = controller;
        this.control = control;
        this.settings = settings;
        this.onStatesRead = onStatesRead;
        ByteBuf id = controller.identify(1, 0);
        this.anaReporting = (IdentifyControllerData.cmic(id, 0) & IdentifyControllerData.CMIC_ANA_REPORTING) != 0;
        long length = AnaLogHeader.maxLength(IdentifyControllerData.nanagrpid(id, 0) & 0xFFFFFFFFL,
                IdentifyControllerData.mnan(id, 0) & 0xFFFFFFFFL);
        this.logLength = (int) Math.min(Math.min((length + 3) & ~3L, 1 << 20), controller.info().maxTransferSize());
        id.release();
    }

    /** Subscribes to ANA change notices, then reads the states (reading re-enables the notices); blocks. */
    void start() {
        if (!anaReporting) {
            ana.set(AnaStates.NOT_REPORTED);
            return;
        }
        controller.enableAsyncEvents(NvmeController.ASYNC_EVENT_ANA_CHANGE, this);
        ana.set(read());
    }

    /** The namespace's ANA state on this path, 0 while the controller is not connected; no lock, no allocation. */
    int state(int nsid) {
        return controller.isLive() ? ana.get().state(nsid) : 0;
    }

    /** What the states were at the last read or lesson, ignoring the connection (for messages). */
    int knownState(int nsid) {
        return ana.get().state(nsid);
    }

    /** An I/O on this path answered with a path status: believe it until the log is read again. */
    void learn(int nsid, int state) {
        AnaStates now;
        do {
            now = ana.get();
            if (now.state(nsid) == state) {
                break;
            }
        } while (!ana.compareAndSet(now, now.with(nsid, state)));
        requestRefresh();
    }

    /** The path failed under an I/O: nothing it said holds until it is read again. */
    void invalidate() {
        ana.set(AnaStates.UNKNOWN);
        requestRefresh();
    }

    /** Reads the ANA log soon on the control thread; requests made before that read starts are one read. */
    void requestRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            schedule(0);
        }
    }

    @Override
    public void onAsyncEvent(NvmeController c, int result) {
        if (AsyncEventListener.logPage(result) == AnaLogHeader.LOG_PAGE_ID) {
            requestRefresh();
        }
    }

    @Override
    public void onReconnected(NvmeController c) {
        requestRefresh();
    }

    void close() {
        closed = true;
    }

    private void refresh() {
        refreshQueued.set(false);
        if (closed || controller.isFailed()) {
            return;
        }
        if (!controller.isLive()) {
            retryLater();
            return;
        }
        try {
            ana.set(anaReporting ? read() : AnaStates.NOT_REPORTED);
        } catch (RuntimeException e) {
            LOG.debug("{}: reading the ANA log failed: {}", controller, e.getMessage());
            retryLater();
            return;
        }
        onStatesRead.run();
    }

    private void retryLater() {
        if (refreshQueued.compareAndSet(false, true)) {
            schedule(settings.anaRefreshDelayMillis());
        }
    }

    private void schedule(long delayMillis) {
        try {
            control.schedule(this::refresh, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            refreshQueued.set(false); // closed
        }
    }

    /** The whole ANA log page with RAE clear, so the controller may send the next ANA notice. */
    private AnaStates read() {
        ByteBuf log = controller.getLogPage(AnaLogHeader.LOG_PAGE_ID, 0, logLength, false);
        try {
            return AnaStates.parse(log, 0);
        } finally {
            log.release();
        }
    }

    @Override
    public String toString() {
        return "path " + index + " (" + controller.address() + ")";
    }
}
