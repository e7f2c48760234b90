package io.basalt.control;

import java.util.Map;
import java.util.Optional;

/**
 * The one source of truth for what a brick (or a cluster) should hold: volumes, snapshots' names,
 * QoS policies, host access, and later placement, epochs and leases. Everything else (the engine's
 * images, the target's namespaces) follows what is recorded here.
 *
 * <p><b>Model.</b> A flat, ordered map from {@linkplain MetadataKeys keys} such as
 * {@code volumes/db1} to records of string fields, the shape of today's properties files and of an
 * etcd value alike. Every change gets the next <em>revision</em> of the whole store (etcd's
 * {@code mod_revision}); each {@link MetadataEntry} carries the revision that created it and the
 * one that last changed it.
 *
 * <p><b>Consistency.</b> Changes are linearizable: a successful {@link #put} or {@link #delete} is
 * durable when it returns, and every later {@link #get} or {@link #list}, by any caller, sees it.
 * Writers that read, modify and write pass the {@link MetadataEntry#modRevision()} they read as
 * {@code expectedRevision}; if the entry changed meanwhile the write fails with a
 * {@link RevisionConflictException} and changes nothing (compare-and-set). There are no
 * multi-key transactions: a change spanning keys is ordered so that a crash between its writes
 * leaves something a reader can repair (write the new entry, then delete the old).
 *
 * <p><b>Watching.</b> {@link #watch} delivers every change under a prefix after a given revision,
 * one at a time, in revision order, with no gaps and no duplicates, on a thread that is not the
 * writer's (a watcher may read or write the store). The usual pattern: {@link #list} a prefix, act
 * on the entries, then watch from the listing's revision. A store remembers only recent history;
 * watching from an older revision fails with {@link CompactedRevisionException}, and the watcher
 * lists again.
 *
 * <p><b>Restarts.</b> Whether revisions survive a restart is the implementation's to say: etcd's
 * do; the single brick's {@code LocalMetadataStore} numbers them afresh in each process. A watcher
 * must therefore not carry a revision across a restart of the store: after one, it lists again.
 *
 * <p>Implementations are thread-safe.
 */
public interface MetadataStore extends AutoCloseable {
    /** {@code expectedRevision} for a write that must create the entry: it fails if the key exists. */
    long ABSENT = 0;
    /** {@code expectedRevision} for a write whatever the entry's revision, present or absent. */
    long ANY = -1;

    /** The entry under the key, if there is one. */
    Optional<MetadataEntry> get(String key) throws MetadataStoreException;

    /** Every entry whose key starts with {@code prefix}, in key order, with the revision it reflects. */
    Listing list(String prefix) throws MetadataStoreException;

    /**
     * Records {@code fields} under the key if its current revision is {@code expectedRevision}
     * ({@link #ABSENT}: the key must not exist; {@link #ANY}: no condition).
     *
     * @return the entry as stored, with its new modification revision
     * @throws RevisionConflictException the key's revision differs; nothing changed
     */
    MetadataEntry put(String key, Map<String, String> fields, long expectedRevision) throws MetadataStoreException;

    /**
     * Removes the key if its current revision is {@code expectedRevision} ({@link #ANY}: whatever it
     * is). An absent key is no conflict when {@link #ANY} or {@link #ABSENT} was expected: there is
     * nothing to remove and no change is recorded.
     *
     * @return whether an entry was removed
     * @throws RevisionConflictException the key's revision differs (or it is absent though a
     *                                   revision was expected); nothing changed
     */
    boolean delete(String key, long expectedRevision) throws MetadataStoreException;

    /**
     * Delivers, in revision order, every change to keys under {@code prefix} after revision
     * {@code afterRevision}, until the returned watch is closed.
     *
     * @throws CompactedRevisionException the store no longer remembers changes that old: list again
     */
    Watch watch(String prefix, long afterRevision, MetadataWatcher watcher) throws MetadataStoreException;

    /** The revision of the last change (0 for a store that never changed); etcd's is the whole etcd's. */
    long revision() throws MetadataStoreException;

    /** Where the entry lives, for messages an operator acts on (a file path, an etcd key). */
    String locate(String key);

    /** Ends every watch. */
    @Override
    void close();
}
