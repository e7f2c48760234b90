package io.basalt.volume;

import io.basalt.block.BlockStore;
import io.basalt.volume.qos.QosLimiter;

import java.util.Objects;
import java.util.UUID;

/**
 * A volume as exported to hosts, independent of the protocol that exports it: its identity (NSID,
 * name, UUID and the NGUID derived from it), the hosts that may see it, its QoS limiter, its I/O
 * counters and observer, and the store it exports — the top of its {@link io.basalt.volume.chain.StoreChain
 * store chain}, built once when the volume is exported.
 *
 * <p>The protocol layer (the NVMe target's {@code Namespace}) holds one and adds only what is per
 * path, such as ANA state. Everything the data path reads here is a final field or one volatile
 * read; an unlimited volume's QoS check is a null check.
 */
public final class Volume {
    private final int nsid;
    private final UUID uuid;
    private volatile String name;
    private final BlockStore store;
    private volatile HostAccess access;
    /** Null when the volume has no QoS limits: the data path then skips QoS entirely. */
    private volatile QosLimiter qos;
    private volatile IoObserver observer = IoObserver.NONE;
    private final IoCounters counters = new IoCounters();

    /**
     * @param identity the volume's identity when exported (its name may change later, see {@link #setName})
     * @param store    the store hosts reach: the top of the volume's store chain
     * @param access   the hosts that may see the volume
     */
    public Volume(VolumeIdentity identity, BlockStore store, HostAccess access) {
        this.nsid = identity.nsid();
        this.uuid = identity.uuid();
        this.name = identity.name();
        this.store = Objects.requireNonNull(store);
        this.access = Objects.requireNonNull(access);
    }

    public Volume(int nsid, String name, UUID uuid, BlockStore store, HostAccess access) {
        this(new VolumeIdentity(nsid, name, uuid), store, access);
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

    /** The NGUID: the UUID's 16 bytes (see {@link VolumeIdentity#nguid()}). */
    public byte[] nguid() {
        return VolumeIdentity.nguid(uuid);
    }

    /** The volume's identity as of now (its current name). */
    public VolumeIdentity identity() {
        return new VolumeIdentity(nsid, name, uuid);
    }

    /** Renames the volume; the name is only for operators, hosts identify it by NSID and UUID. */
    public void setName(String name) {
        this.name = Objects.requireNonNull(name);
    }

    /** The store hosts reach: the top of the volume's store chain. */
    public BlockStore store() {
        return store;
    }

    public int blockSize() {
        return store.blockSize();
    }

    /** Number of logical blocks. */
    public long blocks() {
        return store.capacityBytes() / store.blockSize();
    }

    public HostAccess access() {
        return access;
    }

    /** Changes who may see the volume; the protocol layer tells the hosts concerned. */
    public void setAccess(HostAccess access) {
        this.access = Objects.requireNonNull(access);
    }

    /** The QoS limiter, or null when unlimited. */
    public QosLimiter qos() {
        return qos;
    }

    /** Puts the volume under a limiter, or under none ({@code null}: unlimited). */
    public void setQos(QosLimiter qos) {
        this.qos = qos;
    }

    public IoObserver observer() {
        return observer;
    }

    public void setObserver(IoObserver observer) {
        this.observer = Objects.requireNonNull(observer);
    }

    public IoCounters counters() {
        return counters;
    }

    @Override
    public String toString() {
        return "volume " + name + " (NSID " + nsid + ", " + uuid + ")";
    }
}
