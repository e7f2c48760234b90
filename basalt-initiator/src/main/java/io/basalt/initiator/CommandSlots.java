package io.basalt.initiator;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The command slot table of one queue connection: a preallocated {@link CommandSlot} per command
 * that can be in flight, the free ones kept on an int stack (no allocation per command), and the
 * one place that tells a command's callback how it ended: completed, timed out, or lost with the
 * connection — exactly once each. Only the connection's event loop touches it.
 *
 * <p>A command ID is the slot index in the low {@value #SLOT_BITS} bits and a 4-bit generation
 * above, so a completion for a recycled slot is recognised as unknown.
 */
final class CommandSlots {
    private static final Logger LOG = LoggerFactory.getLogger(CommandSlots.class);
    static final int SLOT_BITS = 12;
    static final int SLOT_MASK = (1 << SLOT_BITS) - 1;

    private final String name;
    private final boolean adminQueue;
    private final long timeoutMillis;
    private final long timeoutNanos;
    private final CommandSlot[] slots;
    private final int[] free;
    private int freeCount;

    /** {@code name} is the connection's, for messages; {@code qid} 0 names admin commands. */
    CommandSlots(String name, int qid, int depth, long timeoutMillis) {
        this.name = name;
        this.adminQueue = qid == 0;
        this.timeoutMillis = timeoutMillis;
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.slots = new CommandSlot[depth];
        this.free = new int[depth];
        for (int i = depth - 1; i >= 0; i--) {
            slots[i] = new CommandSlot(i);
            free[freeCount++] = i;
        }
    }

    int depth() {
        return slots.length;
    }

    /** Commands in flight (including timed-out ones the target has not answered). */
    int outstanding() {
        return slots.length - freeCount;
    }

    /**
     * A free slot with a new command ID, its transfer counters reset and its deadline set, or null
     * when every slot is in use. The caller fills in the command.
     */
    CommandSlot acquire() {
        if (freeCount == 0) {
            return null;
        }
        CommandSlot s = slots[free[--freeCount]];
        s.generation = (s.generation + 1) & 0xF;
        s.cid = (s.generation << SLOT_BITS) | s.index;
        s.inUse = true;
        s.abandoned = false;
        s.sent = 0;
        s.received = 0;
        s.digestError = false;
        s.deadline = System.nanoTime() + timeoutNanos;
        return s;
    }

    /** The command in flight under this ID, or null: never issued, already completed, or a slot since reused. */
    CommandSlot find(int cid) {
        int i = cid & SLOT_MASK;
        CommandSlot s = i < slots.length ? slots[i] : null;
        if (s == null || !s.inUse || s.cid != cid) {
            return null;
        }
        return s;
    }

    /**
     * Ends a command with the target's status: frees its slot, then calls back (so the callback may
     * submit again at once). A timed-out command only frees its slot; its caller was told already.
     */
    void complete(CommandSlot s, int status, long result) {
        IoCallback cb = s.callback;
        if (s.abandoned) {
            release(s);
            return;
        }
        NvmeException failure = null;
        if (!Status.isSuccess(status)) {
            failure = new NvmeStatusException(name + ": " + commandName(s), status);
        } else if (s.digestError) {
            failure = new NvmeTransportException(name + ": " + commandName(s) + " data digest mismatch");
        } else if (s.direction == Opcodes.XFER_CONTROLLER_TO_HOST && s.received != s.length) {
            failure = new NvmeTransportException(name + ": " + commandName(s) + " completed with " + s.received
                    + " of " + s.length + " bytes");
        } else if (s.advanceWriter) {
            s.data.writerIndex(s.dataIndex + s.length);
        }
        release(s);
        notify(cb, failure, result);
    }

    /** Fails every command in flight; callbacks that submit again are refused (the connection is not ready). */
    void failAll(NvmeTransportException e) {
        for (CommandSlot s : slots) {
            if (s.inUse) {
                IoCallback cb = s.callback;
                boolean abandoned = s.abandoned;
                release(s);
                if (!abandoned) {
                    notify(cb, e, 0);
                }
            }
        }
    }

    /**
     * Tells the caller of every command past its deadline that it timed out. The slot stays in use
     * (abandoned) until the target answers or the connection ends: its command ID is still the
     * target's, and reusing it could match a late answer to a new command.
     */
    void expire() {
        long now = System.nanoTime();
        for (CommandSlot s : slots) {
            if (s.inUse && !s.abandoned && now - s.deadline > 0 && !waitsForEvent(s)) {
                IoCallback cb = s.callback;
                s.abandoned = true;
                s.callback = null;
                s.data = null;
                notify(cb, new NvmeTimeoutException(name + ": " + commandName(s) + " (cid " + s.cid
                        + ") not completed within " + timeoutMillis + " ms"), 0);
            }
        }
    }

    /** An Asynchronous Event Request is answered only when an event happens, maybe never: it has no deadline. */
    private boolean waitsForEvent(CommandSlot s) {
        return adminQueue && s.opcode == Opcodes.ADMIN_ASYNC_EVENT_REQUEST;
    }

    String commandName(CommandSlot s) {
        return CommandNames.of(s, adminQueue);
    }

    private void release(CommandSlot s) {
        s.inUse = false;
        s.callback = null;
        s.data = null;
        free[freeCount++] = s.index;
    }

    private void notify(IoCallback cb, NvmeException failure, long result) {
        try {
            cb.onComplete(failure, result);
        } catch (RuntimeException | Error e) {
            LOG.warn("{}: completion callback threw", name, e);
        }
    }
}
