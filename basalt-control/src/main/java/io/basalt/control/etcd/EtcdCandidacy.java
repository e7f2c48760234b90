package io.basalt.control.etcd;

import io.basalt.control.Listing;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.Watch;
import io.basalt.control.cluster.Candidacy;
import io.basalt.control.cluster.Leader;
import io.basalt.control.cluster.LeadershipListener;

import java.util.Map;
import java.util.Optional;

/**
 * One candidate in an election: its key {@code elections/ELECTION/LEASE} bound to its lease, and a
 * watch on the election's keys that tells it when its key is the oldest (elected), or when its key
 * or lease is gone (deposed). The same scheme as etcd's own election recipe, on the store's watch,
 * which resumes across etcd restarts without gaps.
 */
final class EtcdCandidacy implements Candidacy {
    private static final System.Logger LOG = System.getLogger(EtcdCandidacy.class.getName());

    private final EtcdMetadataStore store;
    private final String election;
    private final String candidate;
    private final EtcdLease lease;
    private final LeadershipListener listener;
    private final String key;
    /** Guarded by this. */
    private ElectionView view;
    private Leader leadership;
    private long term;
    private boolean ended;
    private Watch watch;

    EtcdCandidacy(EtcdMetadataStore store, String election, String candidate, EtcdLease lease,
                  LeadershipListener listener) {
        this.store = store;
        this.election = election;
        this.candidate = candidate;
        this.lease = lease;
        this.listener = listener;
        this.key = ElectionView.candidateKey(election, lease.id());
    }

    synchronized EtcdCandidacy start() throws MetadataStoreException {
        MetadataEntry mine;
        try {
            mine = store.put(key, Map.of(ElectionView.CANDIDATE_FIELD, candidate), MetadataStore.ABSENT, lease);
        } catch (RevisionConflictException e) {
            throw new IllegalStateException("lease " + Long.toHexString(lease.id()) + " already runs in election "
                    + election, e);
        }
        term = mine.createRevision();
        try {
            Listing listing = store.list(ElectionView.prefix(election));
            view = new ElectionView(election, listing.entries());
            watch = store.watch(ElectionView.prefix(election), listing.revision(), this::onChange);
        } catch (MetadataStoreException | RuntimeException e) {
            // Not left running unseen: a candidacy no one follows could be elected and never lead.
            withdraw();
            throw e;
        }
        lease.onLoss(this::depose);
        evaluate();
        return this;
    }

    private synchronized void onChange(MetadataEvent event) {
        view.apply(event);
        evaluate();
    }

    private void evaluate() {
        if (ended) {
            return;
        }
        if (!view.contains(key)) {
            depose("candidacy " + key + " was removed from etcd");
            return;
        }
        Optional<Leader> now = view.leader();
        if (leadership == null && now.isPresent() && now.get().leaseId() == lease.id()) {
            leadership = now.get();
            LOG.log(System.Logger.Level.INFO, candidate + " leads " + election + " (term " + leadership.term() + ")");
            listener.onElected(leadership);
        }
    }

    private synchronized void depose(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        Leader was = leadership != null ? leadership : new Leader(election, candidate, lease.id(), term);
        leadership = null;
        if (watch != null) {
            watch.close();
        }
        LOG.log(System.Logger.Level.WARNING, candidate + " no longer runs in " + election + ": " + reason);
        listener.onDeposed(was, reason);
    }

    @Override
    public synchronized Optional<Leader> leadership() {
        return Optional.ofNullable(leadership);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            leadership = null;
            if (watch != null) {
                watch.close();
            }
        }
        withdraw();
    }

    private void withdraw() {
        try {
            store.delete(key, MetadataStore.ANY);
        } catch (MetadataStoreException e) {
            LOG.log(System.Logger.Level.WARNING, "could not withdraw " + key + " (it goes with lease "
                    + Long.toHexString(lease.id()) + "): " + e.getMessage());
        }
    }
}
