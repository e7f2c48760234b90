package io.basalt.nvmet.subsystem;

import io.basalt.volume.HostAccess;
import io.basalt.block.BlockStore;
import io.basalt.volume.qos.QosLimiter;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;

/**
 * A volume exported as an NVMe namespace: a stable NSID and identity (UUID, NGUID, EUI-64 derived
 * from the UUID), the store that holds its blocks, and the hosts allowed to see it.
 */
public final class Namespace {
    private final int nsid;
    private volatile String name;
    private final UUID uuid;
    private final BlockStore store;
    private volatile HostAccess access;
    /** Counters for the SMART log; LongAdder keeps the per-I/O update free of contention. */
    private final LongAdder readCommands = new LongAdder();
    private final LongAdder writeCommands = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    /** Null when the volume has no QoS limits: the data path then skips QoS entirely. */
    private volatile QosLimiter qos;
    private volatile IoObserver observer = IoObserver.NONE;
    /** Read once per I/O command (a volatile read, nothing more); written by {@link Subsystem#setAnaState}. */
    private volatile AnaState anaState = AnaState.OPTIMIZED;
    /** The ANA log's change count when this namespace's state last changed. */
    private volatile long anaChangeCount = 1;

    /** Hears of every completed read and write, for latency metrics; called on event loops, must not block. */
    public interface IoObserver {
        IoObserver NONE = (write, bytes, latencyNanos, ok) -> { };

        void completed(boolean write, int bytes, long latencyNanos, boolean ok);
    }

    public Namespace(int nsid, String name, UUID uuid, BlockStore store, HostAccess access) {
        if (nsid <= 0 || nsid == 0xFFFFFFFF) {
            throw new IllegalArgumentException("NSID must be between 1 and 0xFFFFFFFE: " + nsid);
        }
        this.nsid = nsid;
        this.name = Objects.requireNonNull(name);
        this.uuid = Objects.requireNonNull(uuid);
        this.store = Objects.requireNonNull(store);
        this.access = Objects.requireNonNull(access);
    }

    public int nsid() {
        return nsid;
    }

    public String name() {
        return name;
    }

    public UUID uuid() {
        return uuid;
    }

    /** The NGUID is the UUID's 16 bytes: the same on every path to this volume. */
    public byte[] nguid() {
        byte[] b = new byte[16];
        long hi = uuid.getMostSignificantBits();
        long lo = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    /** Renames the volume; the name is only for operators, hosts identify it by NSID and UUID. */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name);
    }

    /** The QoS limiter, or null when unlimited. */
    public QosLimiter qos() {
        return qos;
    }

    public void setQos(QosLimiter qos) {
        this.qos = qos;
    }

    public IoObserver observer() {
        return observer;
    }

    public void setObserver(IoObserver observer) {
        this.observer = Objects.requireNonNull(observer);
    }

    public void countError() {
        errors.increment();
    }

    public void countThrottled() {
        throttled.increment();
    }

    /** Reads and writes that failed in the store. */
    public long errors() {
        return errors.sum();
    }

    /** Commands QoS delayed. */
    public long throttledCommands() {
        return throttled.sum();
    }

    public BlockStore store() {
        return store;
    }

    public HostAccess access() {
        return access;
    }

    public void setAccess(HostAccess access) {
        this.access = Objects.requireNonNull(access);
    }

    /** This path's ANA state for the namespace; optimized unless the subsystem was told otherwise. */
    public AnaState anaState() {
        return anaState;
    }

    /** The ANA log's change count when {@link #anaState} last changed. */
    public long anaChangeCount() {
        return anaChangeCount;
    }

    /** Only {@link Subsystem} changes the state, so that hosts are always told. */
    void setAnaState(AnaState state, long changeCount) {
        this.anaChangeCount = changeCount;
        this.anaState = Objects.requireNonNull(state);
    }

    public int blockSize() {
        return store.blockSize();
    }

    /** Number of logical blocks. */
    public long blocks() {
        return store.capacityBytes() / store.blockSize();
    }

    public void countRead(int bytes) {
        readCommands.increment();
        bytesRead.add(bytes);
    }

    public void countWrite(int bytes) {
        writeCommands.increment();
        bytesWritten.add(bytes);
    }

    public long readCommands() {
        return readCommands.sum();
    }

    public long writeCommands() {
        return writeCommands.sum();
    }

    public long bytesRead() {
        return bytesRead.sum();
    }

    public long bytesWritten() {
        return bytesWritten.sum();
    }
}
