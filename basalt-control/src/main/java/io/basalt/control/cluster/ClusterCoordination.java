package io.basalt.control.cluster;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.Watch;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What bricks of a cluster need beyond the {@link io.basalt.control.MetadataStore}: leases that
 * end when their holder dies, entries bound to them (a brick's registration), and leader election
 * (the brick that runs placement and failure handling). etcd provides them
 * ({@code io.basalt.control.etcd.EtcdMetadataStore} implements this next to its store); a single
 * brick has no cluster and never uses it.
 *
 * <p><b>Election.</b> Each candidate writes {@code elections/ELECTION/LEASE} (hex lease ID) bound to
 * its lease; the candidate whose key has the lowest creation revision leads. When the leader's
 * lease ends (it died, or stopped keeping it alive), etcd deletes its key and the next candidate
 * leads: takeover takes at most the lease's TTL plus etcd's expiry check (about half a second). A
 * leader learns it is deposed from its own lease too: it stops leading before
 * {@link Lease#validUntilNanos()}, by which time no other can have been elected.
 *
 * <p>Every call has the store's deadline and throws
 * {@link io.basalt.control.MetadataUnavailableException} when etcd does not answer in time.
 */
public interface ClusterCoordination {
    /**
     * Grants a lease of (at least) {@code ttl}, kept alive in the background until it is closed or
     * lost. etcd rounds the TTL up to whole seconds and to its minimum (about 2 s by default).
     */
    Lease grantLease(Duration ttl, LeaseListener listener) throws MetadataStoreException;

    /**
     * As {@link io.basalt.control.MetadataStore#put}, with the entry bound to {@code lease}: etcd
     * deletes it when the lease ends, and watchers see that deletion.
     */
    MetadataEntry put(String key, Map<String, String> fields, long expectedRevision, Lease lease)
            throws MetadataStoreException;

    /**
     * Enters {@code candidate} in {@code election} under {@code lease} and returns at once; the
     * listener hears {@link LeadershipListener#onElected} when it leads (perhaps before this returns).
     * One candidacy per lease and election.
     */
    Candidacy campaign(String election, String candidate, Lease lease, LeadershipListener listener)
            throws MetadataStoreException;

    /** Who leads {@code election} now (a linearizable read), or empty when no one runs. */
    Optional<Leader> leader(String election) throws MetadataStoreException;

    /** Tells {@code observer} who leads now, then of every change, until the watch is closed. */
    Watch observeLeader(String election, LeaderObserver observer) throws MetadataStoreException;
}
