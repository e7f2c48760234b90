package io.basalt.control.etcd;

import io.basalt.control.CompactedRevisionException;
import io.basalt.control.Listing;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.MetadataWatcher;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.Watch;
import io.basalt.control.cluster.Candidacy;
import io.basalt.control.cluster.ClusterCoordination;
import io.basalt.control.cluster.Lease;
import io.basalt.control.cluster.LeadershipListener;
import io.basalt.control.cluster.Leader;
import io.basalt.control.cluster.LeaderObserver;
import io.basalt.control.cluster.LeaseListener;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster's {@link MetadataStore} in etcd (v3 API, through jetcd), and the leases and election
 * the cluster's bricks coordinate with ({@link ClusterCoordination}).
 *
 * <p><b>Mapping.</b> A key {@code K} is the etcd key {@code ROOT K} ({@link EtcdSettings#rootPrefix()});
 * its fields are the value, in {@link RecordCodec}'s text. Revisions are etcd's: an entry's
 * {@code createRevision}, {@code modRevision} and {@code version} are the etcd key's. {@code put}
 * is one transaction {@code If(ModRevision(k) == expected) Then(Put k, Get k) Else(Get k)}
 * ({@code ABSENT}: {@code CreateRevision(k) == 0}; {@code ANY}: no condition), so the returned entry
 * and a conflict's actual revision come from the same atomic step; {@code delete} likewise. Reads are
 * linearizable (etcd's default), so a read after a write, by anyone, sees it.
 *
 * <p><b>Deadlines.</b> Every call waits at most {@link EtcdSettings#operationTimeout()}; etcd not
 * answering by then (down, partitioned, no leader) is a
 * {@link io.basalt.control.MetadataUnavailableException} naming the endpoints. The store recovers by
 * itself when etcd returns: the client reconnects ({@link EtcdConnection}), watches resume
 * ({@link EtcdWatch}).
 *
 * <p><b>Closing</b> ends watches and stops keep-alives without revoking leases: their entries go
 * when the TTL runs out, as if the brick had died. Close a lease first to remove its entries at once.
 */
public final class EtcdMetadataStore implements MetadataStore, ClusterCoordination {
    private final EtcdSettings settings;
    private final EtcdConnection connection;
    private final EtcdKeySpace keys;
    private final EtcdCalls calls;
    /** Lease keep-alives and expiry timers, watch resumptions. */
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("etcd-coordination").daemon().factory());
    /** Lease-loss listeners, in order, off the scheduler so that they may block. */
    private final ExecutorService callbacks = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("etcd-callbacks").daemon().factory());
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private final Set<EtcdLease> leases = ConcurrentHashMap.newKeySet();

    private EtcdMetadataStore(EtcdSettings settings) {
        this.settings = settings;
        this.connection = new EtcdConnection(settings.endpoints(), settings.operationTimeout(), scheduler);
        this.keys = new EtcdKeySpace(settings.rootPrefix());
        this.calls = new EtcdCalls(settings.endpoints(), settings.operationTimeout(), connection);
    }

    /** A store over etcd; connects lazily, so it opens even while etcd is down (calls then fail in time). */
    public static EtcdMetadataStore connect(EtcdSettings settings) {
        return new EtcdMetadataStore(settings);
    }

    public EtcdSettings settings() {
        return settings;
    }

    @Override
    public Optional<MetadataEntry> get(String key) throws MetadataStoreException {
        GetResponse r = calls.await(connection.kv().get(keys.etcdKey(key)), "read " + locate(key));
        return r.getKvs().isEmpty() ? Optional.empty() : Optional.of(keys.entry(r.getKvs().getFirst()));
    }

    @Override
    public Listing list(String prefix) throws MetadataStoreException {
        GetResponse r = calls.await(connection.kv().get(keys.etcdKey(prefix), GetOption.builder().isPrefix(true).build()),
                "list " + locate(prefix));
        List<MetadataEntry> entries = new ArrayList<>(r.getKvs().size());
        for (KeyValue e : r.getKvs()) {
            entries.add(keys.entry(e));
        }
        return new Listing(entries, r.getHeader().getRevision());
    }

    @Override
    public MetadataEntry put(String key, Map<String, String> fields, long expectedRevision)
            throws MetadataStoreException {
        return put(key, fields, expectedRevision, 0);
    }

    @Override
    public MetadataEntry put(String key, Map<String, String> fields, long expectedRevision, Lease lease)
            throws MetadataStoreException {
        if (!(lease instanceof EtcdLease mine) || !leases.contains(mine)) {
            throw new IllegalArgumentException("lease " + lease + " was not granted by this store");
        }
        if (lease.isLost()) {
            throw new MetadataStoreException("cannot write " + locate(key) + ": lease "
                    + Long.toHexString(lease.id()) + " is lost");
        }
        return put(key, fields, expectedRevision, lease.id());
    }

    private MetadataEntry put(String key, Map<String, String> fields, long expectedRevision, long leaseId)
            throws MetadataStoreException {
        ByteSequence k = keys.etcdKey(key);
        ByteSequence value = ByteSequence.from(RecordCodec.encode(fields));
        PutOption option = leaseId == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(leaseId).build();
        TxnResponse r = calls.await(conditional(k, expectedRevision)
                .Then(Op.put(k, value, option), Op.get(k, GetOption.DEFAULT))
                .Else(Op.get(k, GetOption.DEFAULT)).commit(), "write " + locate(key));
        List<KeyValue> now = r.getGetResponses().getFirst().getKvs();
        if (!r.isSucceeded()) {
            throw new RevisionConflictException(key, expectedRevision, now.isEmpty() ? ABSENT : now.getFirst().getModRevision());
        }
        return keys.entry(now.getFirst());
    }

    @Override
    public boolean delete(String key, long expectedRevision) throws MetadataStoreException {
        ByteSequence k = keys.etcdKey(key);
        Op remove = Op.delete(k, DeleteOption.builder().withPrevKV(true).build());
        TxnResponse r = calls.await(conditional(k, expectedRevision)
                        .Then(expectedRevision == ABSENT ? new Op[0] : new Op[] {remove})
                        .Else(Op.get(k, GetOption.DEFAULT)).commit(), "delete " + locate(key));
        if (!r.isSucceeded()) {
            List<KeyValue> now = r.getGetResponses().getFirst().getKvs();
            throw new RevisionConflictException(key, expectedRevision, now.isEmpty() ? ABSENT : now.getFirst().getModRevision());
        }
        return !r.getDeleteResponses().isEmpty() && r.getDeleteResponses().getFirst().getDeleted() > 0;
    }

    /** A transaction guarded by the compare-and-set condition of {@code expectedRevision}. */
    private io.etcd.jetcd.Txn conditional(ByteSequence k, long expectedRevision) {
        io.etcd.jetcd.Txn txn = connection.kv().txn();
        if (expectedRevision == ABSENT) {
            return txn.If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.createRevision(0)));
        }
        if (expectedRevision == ANY) {
            return txn;
        }
        if (expectedRevision < 0) {
            throw new IllegalArgumentException("invalid expected revision " + expectedRevision);
        }
        return txn.If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedRevision)));
    }

    @Override
    public Watch watch(String prefix, long afterRevision, MetadataWatcher watcher) throws MetadataStoreException {
        requireRemembered(afterRevision + 1);
        EtcdWatch w = new EtcdWatch(connection, keys, prefix, afterRevision, watcher, scheduler);
        watches.add(w);
        Runnable restart = w::restart;
        connection.onReplaced(restart);
        w.subscribe();
        return () -> {
            w.close();
            connection.removeOnReplaced(restart);
            watches.remove(w);
        };
    }

    /**
     * Fails unless etcd still has the changes from {@code revision} on: a read at that revision is
     * refused once it is compacted. (A watch would say so too, but only later, on its stream.)
     */
    private void requireRemembered(long revision) throws MetadataStoreException {
        try {
            calls.await(connection.kv().get(keys.etcdKey(""), GetOption.builder().withRevision(revision).withCountOnly(true).build()),
                    "check revision " + revision);
        } catch (MetadataStoreException e) {
            if (EtcdCalls.isCompacted(e)) {
                throw new CompactedRevisionException(revision - 1, revision());
            }
            if (!isFutureRevision(e)) {
                throw e;
            }
        }
    }

    private static boolean isFutureRevision(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("future revision")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long revision() throws MetadataStoreException {
        return calls.await(connection.kv().get(keys.etcdKey(""), GetOption.builder().withCountOnly(true).build()),
                "read the revision").getHeader().getRevision();
    }

    @Override
    public String locate(String key) {
        return "etcd key " + keys.locate(key);
    }

    @Override
    public Lease grantLease(Duration ttl, LeaseListener listener) throws MetadataStoreException {
        long seconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
        long sent = System.nanoTime();
        LeaseGrantResponse r = calls.await(connection.lease().grant(seconds), "grant a lease of " + seconds + " s");
        EtcdLease lease = new EtcdLease(connection, r.getID(), Duration.ofSeconds(r.getTTL()),
                sent + TimeUnit.SECONDS.toNanos(r.getTTL()), listener, scheduler, callbacks, settings.operationTimeout());
        leases.add(lease);
        lease.onLoss(reason -> leases.remove(lease));
        lease.start();
        return lease;
    }

    @Override
    public Candidacy campaign(String election, String candidate, Lease lease, LeadershipListener listener)
            throws MetadataStoreException {
        if (!(lease instanceof EtcdLease mine) || !leases.contains(mine)) {
            throw new IllegalArgumentException("lease " + lease + " was not granted by this store");
        }
        return new EtcdCandidacy(this, election, candidate, mine, listener).start();
    }

    @Override
    public Optional<Leader> leader(String election) throws MetadataStoreException {
        return new ElectionView(election, list(ElectionView.prefix(election)).entries()).leader();
    }

    @Override
    public Watch observeLeader(String election, LeaderObserver observer) throws MetadataStoreException {
        Listing listing = list(ElectionView.prefix(election));
        ElectionView view = new ElectionView(election, listing.entries());
        AtomicReference<Optional<Leader>> last = new AtomicReference<>(view.leader());
        // The first answer and every change go through one queue, so the observer hears them in order.
        ExecutorService tell = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("etcd-leader " + election)
                .factory());
        Optional<Leader> first = last.get();
        tell.execute(() -> observer.onLeaderChanged(first));
        Watch changes;
        try {
            changes = watch(ElectionView.prefix(election), listing.revision(), event -> {
                view.apply(event);
                Optional<Leader> now = view.leader();
                if (!now.equals(last.getAndSet(now))) {
                    tell.execute(() -> observer.onLeaderChanged(now));
                }
            });
        } catch (MetadataStoreException | RuntimeException e) {
            tell.shutdownNow();
            throw e;
        }
        return () -> {
            changes.close();
            tell.shutdown();
        };
    }

    @Override
    public void close() {
        watches.forEach(EtcdWatch::close);
        watches.clear();
        leases.forEach(EtcdLease::abandon);
        leases.clear();
        scheduler.shutdownNow();
        callbacks.shutdown();
        connection.close();
    }
}
