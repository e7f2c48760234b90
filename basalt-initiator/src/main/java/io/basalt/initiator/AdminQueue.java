package io.basalt.initiator;

import io.basalt.nvme.Opcodes;
import io.basalt.nvme.Sqe;
import io.basalt.nvme.discovery.Discovery;
import io.basalt.nvme.discovery.DiscoveryLogEntry;
import io.basalt.nvme.discovery.DiscoveryLogHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The admin queue of a controller, as {@link IoQueue} is for an I/O queue: a stable handle over
 * whichever connection carries it now (a reconnection attaches a new one), the admin and Fabrics
 * property commands sent on it, and the keep-alive that holds the controller (KATO) alive.
 *
 * <p>The commands block the calling thread until answered or timed out; do not call them on an
 * event loop. The keep-alive runs on the admin connection's loop.
 */
final class AdminQueue {
    private static final Logger LOG = LoggerFactory.getLogger(AdminQueue.class);

    private final String name;
    private final InitiatorConfig config;
    private volatile QueueConnection connection;
    private ScheduledFuture<?> keepAlive;
    private boolean keepAliveOutstanding;

    /** {@code name} names the queue in messages: "admin queue of NQN at address". */
    AdminQueue(String name, InitiatorConfig config) {
        this.name = name;
        this.config = config;
    }

    void attach(QueueConnection c) {
        this.connection = c;
    }

    /** The connection now carrying the queue, or null before the first. */
    QueueConnection connection() {
        return connection;
    }

    // ---- admin commands ---------------------------------------------------------------------

    long propertyGet(int offset, boolean eightBytes) {
        return call("Property Get", sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.FABRICS);
            sqe.setByte(Sqe.FCTYPE_OFFSET, Opcodes.FCTYPE_PROPERTY_GET);
            sqe.setByte(Sqe.CDW10_OFFSET, eightBytes ? 1 : 0);
            sqe.setIntLE(Sqe.CDW11_OFFSET, offset);
        }, Opcodes.XFER_NONE, null, 0);
    }

    void propertySet(int offset, long value) {
        call("Property Set", sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.FABRICS);
            sqe.setByte(Sqe.FCTYPE_OFFSET, Opcodes.FCTYPE_PROPERTY_SET);
            sqe.setByte(Sqe.CDW10_OFFSET, 0);
            sqe.setIntLE(Sqe.CDW11_OFFSET, offset);
            sqe.setLongLE(Sqe.CDW12_OFFSET, value);
        }, Opcodes.XFER_NONE, null, 0);
    }

    /** Identify with the given CNS; returns a 4096-byte heap buffer. */
    ByteBuf identify(int cns, int nsid) {
        ByteBuf data = Unpooled.buffer(4096);
        call("Identify CNS " + cns, sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_IDENTIFY);
            sqe.setIntLE(Sqe.NSID_OFFSET, nsid);
            sqe.setIntLE(Sqe.CDW10_OFFSET, cns);
        }, Opcodes.XFER_CONTROLLER_TO_HOST, data, 4096);
        return data.writerIndex(4096);
    }

    /** The active namespace IDs (CNS 02h), ascending. */
    List<Integer> activeNamespaces() {
        ByteBuf b = identify(2, 0);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            int id = b.getIntLE(i * 4);
            if (id == 0) {
                break;
            }
            ids.add(id);
        }
        return ids;
    }

    long setFeatures(int fid, int cdw11) {
        return call("Set Features " + fid, sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_SET_FEATURES);
            sqe.setIntLE(Sqe.CDW10_OFFSET, fid);
            sqe.setIntLE(Sqe.CDW11_OFFSET, cdw11);
        }, Opcodes.XFER_NONE, null, 0);
    }

    long getFeatures(int fid) {
        return call("Get Features " + fid, sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_GET_FEATURES);
            sqe.setIntLE(Sqe.CDW10_OFFSET, fid);
        }, Opcodes.XFER_NONE, null, 0);
    }

    /** Get Log Page: {@code length} bytes (a multiple of 4) from byte {@code offset} (LPO). */
    ByteBuf getLogPage(int lid, long offset, int length, boolean retainAsyncEvent) {
        if (length <= 0 || length % 4 != 0) {
            throw new IllegalArgumentException("log page length must be a positive multiple of 4");
        }
        ByteBuf data = Unpooled.buffer(length);
        int numd = length / 4 - 1;
        call("Get Log Page " + lid, sqe -> {
            sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_GET_LOG_PAGE);
            sqe.setIntLE(Sqe.NSID_OFFSET, 0);
            sqe.setIntLE(Sqe.CDW10_OFFSET, lid | (retainAsyncEvent ? 1 << 15 : 0) | ((numd & 0xFFFF) << 16));
            sqe.setIntLE(Sqe.CDW11_OFFSET, numd >>> 16);
            sqe.setLongLE(Sqe.CDW12_OFFSET, offset);
        }, Opcodes.XFER_CONTROLLER_TO_HOST, data, length);
        return data.writerIndex(length);
    }

    /**
     * Reads the discovery log page as libnvme does: the header, then the entries with LPO in 4 KiB
     * chunks, then the header again, retrying until the generation counter is stable.
     */
    DiscoveryLog discoveryLog() {
        for (int attempt = 0; attempt < 10; attempt++) {
            ByteBuf header = getLogPage(Discovery.LOG_PAGE_ID, 0, DiscoveryLogHeader.LENGTH, true);
            long genctr = DiscoveryLogHeader.genctr(header, 0);
            long numrec = DiscoveryLogHeader.numrec(header, 0);
            if (numrec < 0 || numrec > 4096) {
                throw new NvmeTransportException(name + ": implausible discovery NUMREC " + numrec);
            }
            int total = (int) numrec * DiscoveryLogEntry.LENGTH;
            ByteBuf entries = Unpooled.buffer(Math.max(total, 1));
            for (int off = 0; off < total; off += 4096) {
                int n = Math.min(4096, total - off);
                entries.writeBytes(getLogPage(Discovery.LOG_PAGE_ID, DiscoveryLogHeader.LENGTH + off, n, true));
            }
            ByteBuf again = getLogPage(Discovery.LOG_PAGE_ID, 0, DiscoveryLogHeader.LENGTH, false);
            if (DiscoveryLogHeader.genctr(again, 0) == genctr
                    && DiscoveryLogHeader.numrec(again, 0) == numrec) {
                List<DiscoveryEntry> list = new ArrayList<>();
                for (int i = 0; i < numrec; i++) {
                    list.add(DiscoveryEntry.parse(entries, i * DiscoveryLogEntry.LENGTH));
                }
                return new DiscoveryLog(genctr, List.copyOf(list));
            }
        }
        throw new NvmeTransportException(name + ": discovery log kept changing while being read");
    }

    /** Sends one Keep Alive and waits for it. */
    void keepAlive() {
        call("Keep Alive", sqe -> sqe.setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_KEEP_ALIVE),
                Opcodes.XFER_NONE, null, 0);
    }

    private long call(String what, Consumer<ByteBuf> sqe, int direction, ByteBuf data, int length) {
        return call(connection, what, sqe, direction, data, length, config);
    }

    /** One command on {@code c} from a thread that may block; the answer's result (CQE DW0). */
    static long call(QueueConnection c, String what, Consumer<ByteBuf> sqe, int direction, ByteBuf data, int length,
                     InitiatorConfig config) {
        if (c == null) {
            throw new NvmeTransportException(what + ": not connected");
        }
        long timeout = config.commandTimeoutMillis() + 1000L;
        return Await.result(c.call(sqe, direction, data, 0, length), timeout, what);
    }

    // ---- asynchronous events ----------------------------------------------------------------

    /**
     * Keeps one Asynchronous Event Request outstanding on the current connection: each event is
     * handed to {@code listener} on the connection's event loop and the request sent again at once.
     * A lost connection ends it; the controller arms it again on the new one.
     */
    void armAsyncEvents(IntConsumer listener) {
        QueueConnection a = connection;
        if (a == null) {
            return;
        }
        try {
            a.eventLoop().execute(() -> sendAsyncEventRequest(a, listener));
        } catch (RejectedExecutionException e) {
            // the loop is shut down: so is the connection
        }
    }

    private void sendAsyncEventRequest(QueueConnection a, IntConsumer listener) {
        if (!a.isReady()) {
            return;
        }
        a.sqe().setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_ASYNC_EVENT_REQUEST);
        a.submit(Opcodes.XFER_NONE, null, 0, 0, false, (failure, result) -> {
            if (failure == null) {
                try {
                    listener.accept((int) result);
                } catch (RuntimeException e) {
                    LOG.warn("{}: asynchronous event listener threw", name, e);
                }
                sendAsyncEventRequest(a, listener);
            } else if (failure instanceof NvmeStatusException) {
                LOG.warn("{}: Asynchronous Event Request refused: {}", name, failure.getMessage());
            }
            // a transport failure: the connection is gone, reconnection arms the next one
        });
    }

    // ---- keep-alive -------------------------------------------------------------------------

    /** Sends Keep Alive every KATO/2 on the current connection, from its event loop, without blocking. */
    void startKeepAlive() {
        int kato = config.keepAliveMillis();
        QueueConnection a = connection;
        if (kato <= 0 || a == null) {
            return;
        }
        long period = Math.max(1, kato / 2);
        keepAliveOutstanding = false;
        keepAlive = a.eventLoop().scheduleAtFixedRate(() -> sendKeepAlive(a), period, period, TimeUnit.MILLISECONDS);
    }

    /** One Keep Alive at a time; one that times out means the target is gone: the connection is aborted. */
    private void sendKeepAlive(QueueConnection a) {
        if (keepAliveOutstanding || !a.isReady()) {
            return;
        }
        keepAliveOutstanding = true;
        a.sqe().setByte(Sqe.OPCODE_OFFSET, Opcodes.ADMIN_KEEP_ALIVE);
        a.submit(Opcodes.XFER_NONE, null, 0, 0, false, (failure, result) -> {
            keepAliveOutstanding = false;
            if (failure instanceof NvmeTimeoutException) {
                a.abort("keep-alive timed out");
            } else if (failure != null) {
                LOG.warn("{}: keep-alive failed: {}", name, failure.getMessage());
            }
        });
    }

    void stopKeepAlive() {
        ScheduledFuture<?> k = keepAlive;
        if (k != null) {
            k.cancel(false);
        }
    }
}
