package io.basalt.server.cluster;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.topology.Replicas;
import io.basalt.replication.InSyncRecorder;
import io.basalt.replication.PrimaryAuthority;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * A primary's changes to its volume's in-sync set, recorded by compare-and-set on the volume's
 * record — only while the record still names this brick the primary under the same epoch, so a
 * deposed primary can never rewrite its successor's set. Writes waiting on a drop are acknowledged
 * only once it is recorded; while etcd cannot be reached the change is retried until this brick's
 * authority lapses, and then refused.
 */
final class InSyncRecords implements InSyncRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(InSyncRecords.class);
    private static final long RETRY_MILLIS = 100;

    private final MetadataStore store;
    private final String brick;
    private final String volume;
    private final PrimaryAuthority authority;
    private final Executor executor;
    private final ClusterEvents events;

    InSyncRecords(MetadataStore store, String brick, String volume, PrimaryAuthority authority, Executor executor,
                  ClusterEvents events) {
        this.store = store;
        this.brick = brick;
        this.volume = volume;
        this.authority = authority;
        this.executor = executor;
        this.events = events;
    }

    @Override
    public CompletableFuture<Long> drop(String replica, long epoch) {
        return CompletableFuture.supplyAsync(() -> {
            long done = change(epoch, r -> r.withoutInSync(replica));
            if (done != REFUSED) {
                LOG.warn("Volume {}: replica on {} dropped from the in-sync set (epoch {}); the volume is degraded",
                        volume, replica, epoch);
                events.event("volume.degraded", true, volume, "the replica on " + replica
                        + " failed and left the in-sync set; writes go on without it");
            }
            return done;
        }, executor);
    }

    @Override
    public CompletableFuture<Long> rejoin(String replica, long epoch) {
        return CompletableFuture.supplyAsync(() -> {
            long done = change(epoch, r -> r.withInSync(replica));
            if (done != REFUSED) {
                LOG.info("Volume {}: replica on {} is in sync again (epoch {})", volume, replica, epoch);
                events.event("volume.resynced", false, volume, "the replica on " + replica + " caught up and is in "
                        + "sync again");
            }
            return done;
        }, executor);
    }

    /** @return the record's revision afterwards, or {@link #REFUSED} */
    private long change(long epoch, UnaryOperator<Replicas> edit) {
        String key = MetadataKeys.volume(volume);
        while (true) {
            // Only a primary with its authority changes the set: a stopping brick (its lease closed)
            // whose replication links break as it shuts down must not drop the replicas that will
            // take over from it.
            if (!authority.valid()) {
                return REFUSED;
            }
            try {
                Optional<MetadataEntry> e = store.get(key);
                Replicas r = e.map(x -> Replicas.of(x.fields())).orElse(null);
                if (r == null || r.epoch() != epoch || !brick.equals(r.primary())) {
                    return REFUSED;
                }
                Replicas after = edit.apply(r);
                if (after.equals(r)) {
                    return e.get().modRevision();
                }
                Map<String, String> fields = new TreeMap<>(e.get().fields());
                after.addTo(fields);
                return store.put(key, fields, e.get().modRevision()).modRevision();
            } catch (RevisionConflictException raced) {
                // Changed meanwhile (a failover?): read again.
            } catch (MetadataStoreException | RuntimeException x) {
                if (!authority.valid()) {
                    LOG.warn("Volume {}: cannot record the in-sync set ({}) and this brick's authority lapsed", volume,
                            x.getMessage());
                    return REFUSED;
                }
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException i) {
                    Thread.currentThread().interrupt();
                    return REFUSED;
                }
            }
        }
    }
}
