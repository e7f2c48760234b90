package io.basalt.server.cluster;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.cluster.Candidacy;
import io.basalt.control.cluster.ClusterCoordination;
import io.basalt.control.cluster.Leader;
import io.basalt.control.cluster.LeadershipListener;
import io.basalt.control.cluster.Lease;
import io.basalt.control.topology.BrickRecord;
import io.basalt.control.topology.BrickState;
import io.basalt.control.topology.ClusterIdentity;
import io.basalt.server.config.ClusterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This brick's membership of the cluster: its record under {@code bricks/NAME}, its heartbeat under
 * {@code alive/NAME} bound to a lease, and its candidacy for leader. When the lease is lost (etcd
 * unreachable longer than the TTL) it keeps trying to join again, once a second, so a brick cut off
 * from etcd rejoins by itself when etcd returns — all the while serving its volumes.
 */
public final class ClusterMember implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);
    /** The most bricks a cluster has: slots 1..64 give each 999 controller IDs within NVMe's 0xFFEF. */
    public static final int MAX_SLOTS = 64;
    /** Controller IDs per brick: slot N serves {@code N*1000+1 .. N*1000+999}. */
    public static final int CNTLIDS_PER_SLOT = 1000;
    private static final int CAS_ATTEMPTS = 16;

    private final MetadataStore store;
    private final ClusterCoordination coordination;
    private final ClusterSettings settings;
    private final ClusterIdentity identity;
    private final int slot;
    private final LeaderDuties duties;
    private final ClusterEvents events;
    private volatile boolean leading;
    private final ScheduledExecutorService thread;
    private volatile Lease lease;
    private volatile Candidacy candidacy;
    private volatile boolean closed;
    private volatile Runnable onRejoin;

    private ClusterMember(MetadataStore store, ClusterCoordination coordination, ClusterSettings settings,
                          ClusterIdentity identity, int slot, ClusterEvents events) {
        this.events = events;
        this.store = store;
        this.coordination = coordination;
        this.settings = settings;
        this.identity = identity;
        this.slot = slot;
        this.duties = new LeaderDuties(store, settings.failedAfter(), events);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "basalt-cluster-member");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Finds or founds the cluster and takes this brick's slot; does not yet heartbeat (see
     * {@link #start}), so a brick is listed only once it serves.
     */
    public static <S extends MetadataStore & ClusterCoordination> ClusterMember prepare(S store, ClusterSettings s,
                                                                                         ClusterIdentity identity,
                                                                                         ClusterEvents events)
            throws MetadataStoreException {
        int slot = claimSlot(store, s.brickName());
        return new ClusterMember(store, store, s, identity, slot, events);
    }

    /** Whether this brick leads the cluster now. */
    public boolean leading() {
        return leading;
    }

    public ClusterIdentity identity() {
        return identity;
    }

    public int slot() {
        return slot;
    }

    public int firstCntlid() {
        return slot * CNTLIDS_PER_SLOT + 1;
    }

    public int lastCntlid() {
        return slot * CNTLIDS_PER_SLOT + CNTLIDS_PER_SLOT - 1;
    }

    /**
     * Starts the brick's heartbeat and its candidacy for leader, then records the brick (address,
     * domains, capacity) as active; keeps them up from then on.
     *
     * @param nvmeAddress HOST:PORT hosts reach the brick at
     * @param apiAddress  HOST:PORT of its API, or null
     * @param replicationAddress HOST:PORT other bricks send replicated writes to
     * @param capacity    the pool's total and free bytes now, asked again each refresh
     */
    public void start(String nvmeAddress, String apiAddress, String replicationAddress, CapacitySource capacity)
            throws MetadataStoreException {
        Addresses at = new Addresses(nvmeAddress, apiAddress, replicationAddress);
        // The heartbeat first: a leader that sees the record without it judges the brick unreachable.
        heartbeat();
        updateRecord(at, capacity);
        thread.scheduleWithFixedDelay(() -> refresh(at, capacity), 1, 1, TimeUnit.SECONDS);
    }

    /** The pool's size as placement should see it. */
    public interface CapacitySource {
        long totalBytes();

        long freeBytes();
    }

    /** Where hosts, operators and other bricks reach this brick. */
    private record Addresses(String nvme, String api, String replication) {
    }

    private void refresh(Addresses at, CapacitySource capacity) {
        if (closed) {
            return;
        }
        try {
            if (lease == null || lease.isLost()) {
                heartbeat();
                LOG.info("Rejoined the cluster as {} (heartbeat lease {})", settings.brickName(), lease.id());
                events.event("cluster.rejoined", false, settings.brickName(), "heartbeat renewed with a new lease");
                Runnable r = onRejoin;
                if (r != null) {
                    r.run();
                }
            }
            updateRecord(at, capacity);
        } catch (MetadataStoreException | RuntimeException e) {
            LOG.debug("cluster membership refresh failed: {}", e.toString());
        }
    }

    /**
     * Takes a new lease, binds the heartbeat key and a new candidacy to it, and only then lets the old
     * ones go: the key moves from lease to lease without ever being absent, so a brick that renews is
     * never seen unreachable in between.
     */
    private synchronized void heartbeat() throws MetadataStoreException {
        Lease l = coordination.grantLease(settings.leaseTtl(), (lost, reason) -> {
            LOG.warn("Cluster heartbeat lease lost ({}); volumes keep serving, rejoining when etcd answers", reason);
            events.event("cluster.heartbeat-lost", true, settings.brickName(), reason
                    + "; volumes keep serving, the brick rejoins when etcd answers");
        });
        try {
            coordination.put(MetadataKeys.alive(settings.brickName()), Map.of("since", Long.toString(
                    System.currentTimeMillis())), MetadataStore.ANY, l);
        } catch (MetadataStoreException | RuntimeException e) {
            l.close();
            throw e;
        }
        Lease old = lease;
        Candidacy oldCandidacy = candidacy;
        lease = l;
        if (oldCandidacy != null) {
            oldCandidacy.close();
        }
        if (old != null) {
            old.close();
        }
        candidacy = coordination.campaign(MetadataKeys.LEADER_ELECTION, settings.brickName(), l,
                new LeadershipListener() {
                    @Override
                    public void onElected(Leader leader) {
                        LOG.info("This brick ({}) leads the cluster (term {})", settings.brickName(), leader.term());
                        leading = true;
                        events.event("cluster.leader", false, settings.brickName(), "leads the cluster (term "
                                + leader.term() + ")");
                        duties.start();
                    }

                    @Override
                    public void onDeposed(Leader leader, String reason) {
                        LOG.info("This brick ({}) no longer leads the cluster: {}", settings.brickName(), reason);
                        leading = false;
                        duties.stop();
                    }
                });
    }

    /** Writes the brick's own fields, keeping the state the leader gave it (active if new). */
    private void updateRecord(Addresses at, CapacitySource capacity) throws MetadataStoreException {
        String key = MetadataKeys.brick(settings.brickName());
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<MetadataEntry> e = store.get(key);
            BrickRecord old = e.map(x -> BrickRecord.fromFields(settings.brickName(), x.fields())).orElse(null);
            BrickState state = old == null ? BrickState.ACTIVE : old.state();
            long since = old == null ? System.currentTimeMillis() : old.stateSinceMillis();
            // Free space rounded to MiB: byte-exact figures would rewrite the record on every write.
            long free = capacity.freeBytes() >> 20 << 20;
            BrickRecord now = new BrickRecord(settings.brickName(), at.nvme(), at.api(), at.replication(),
                    settings.failureDomains(), slot,
                    capacity.totalBytes() >> 20 << 20, free, state, since);
            if (now.equals(old)) {
                return;
            }
            try {
                store.put(key, now.toFields(), e.map(MetadataEntry::modRevision).orElse(MetadataStore.ABSENT));
                return;
            } catch (RevisionConflictException raced) {
                // The leader changed the state meanwhile: keep it.
            }
        }
    }

    /** The cluster's identity, founding it if this is the first brick. */
    public static ClusterIdentity identity(MetadataStore store) throws MetadataStoreException {
        Optional<MetadataEntry> e = store.get(MetadataKeys.CLUSTER);
        if (e.isPresent()) {
            return ClusterIdentity.fromFields(e.get().fields());
        }
        byte[] random = new byte[10];
        new SecureRandom().nextBytes(random);
        ClusterIdentity founded = new ClusterIdentity("nqn.2014-08.io.basalt:cluster:" + UUID.randomUUID(),
                HexFormat.of().withUpperCase().formatHex(random), System.currentTimeMillis());
        try {
            store.put(MetadataKeys.CLUSTER, founded.toFields(), MetadataStore.ABSENT);
            LOG.info("Founded the cluster: subsystem {}", founded.subsystemNqn());
            return founded;
        } catch (RevisionConflictException raced) {
            return ClusterIdentity.fromFields(store.get(MetadataKeys.CLUSTER).orElseThrow().fields());
        }
    }

    /** The brick's slot: the one it holds, else the lowest free one. */
    private static int claimSlot(MetadataStore store, String brick) throws MetadataStoreException {
        boolean[] taken = new boolean[MAX_SLOTS + 1];
        for (MetadataEntry e : store.list(MetadataKeys.BRICK_SLOTS).entries()) {
            int n = Integer.parseInt(MetadataKeys.name(e.key()));
            if (brick.equals(e.field("brick"))) {
                return n;
            }
            if (n >= 1 && n <= MAX_SLOTS) {
                taken[n] = true;
            }
        }
        for (int n = 1; n <= MAX_SLOTS; n++) {
            if (!taken[n]) {
                try {
                    store.put(MetadataKeys.brickSlot(n), Map.of("brick", brick), MetadataStore.ABSENT);
                    return n;
                } catch (RevisionConflictException raced) {
                    // Another joining brick took it: try the next.
                }
            }
        }
        throw new MetadataStoreException("the cluster has its " + MAX_SLOTS + " bricks; remove one first");
    }

    /** Who leads now, as the store says (empty when etcd cannot say). */
    public Optional<String> leader() {
        try {
            return coordination.leader(MetadataKeys.LEADER_ELECTION).map(Leader::candidate);
        } catch (MetadataStoreException e) {
            return Optional.empty();
        }
    }

    /**
     * Runs after the brick rejoined with a new lease (the agent reconciles at once, so the brick's
     * authority to serve its primaries returns without waiting for the agent's period).
     */
    public void onRejoin(Runnable action) {
        onRejoin = action;
    }

    /** The current heartbeat lease (null before the brick starts). */
    public Lease lease() {
        return lease;
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        duties.close();
        Candidacy c = candidacy;
        if (c != null) {
            c.close();
        }
        Lease l = lease;
        if (l != null) {
            l.close();
        }
    }
}
