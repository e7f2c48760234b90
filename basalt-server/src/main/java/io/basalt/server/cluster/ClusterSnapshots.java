package io.basalt.server.cluster;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.volume.ClusterVolume;
import io.basalt.control.volume.ClusterVolumes;
import io.basalt.control.volume.VolumeException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A cluster's snapshots, asked for through any brick: the request is recorded in etcd, the volume's
 * primary brick (its {@link io.basalt.control.agent.VolumeAgent}) takes the snapshot and records what it took, and the call
 * waits for that record. Deleting works the same way round. Snapshots live on the primary's copy:
 * replicas hold no data of their own until replication arrives.
 */
public final class ClusterSnapshots {
    /** How long an API call waits for the primary to act before answering 503 (the request stays). */
    static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final int CAS_ATTEMPTS = 16;

    private final MetadataStore store;
    private final ClusterVolumes volumes;

    public ClusterSnapshots(MetadataStore store, ClusterVolumes volumes) {
        this.store = store;
        this.volumes = volumes;
    }

    /** A create's result: the snapshot, and whether this call took it. */
    public record Outcome(ClusterSnapshot snapshot, boolean created) {
    }

    /** Takes a snapshot of the volume on its primary, or returns the one of that name (created false). */
    public Outcome create(String volume, String name) throws VolumeException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw VolumeException.invalid("invalid snapshot name '" + name + "' (1-64 letters, digits, '.', '_', '-')");
        }
        ClusterVolume v = volumes.get(volume);
        String key = MetadataKeys.snapshot(v.name(), name);
        String uuid = v.spec().uuid().toString();
        try {
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                Optional<ClusterSnapshot> now = read(key);
                if (now.isPresent() && !now.get().volumeUuid().equals(uuid)) {
                    // Left by a deleted volume of the same name.
                    store.delete(key, now.get().revision());
                    continue;
                }
                if (now.isPresent() && now.get().state() == ClusterSnapshot.State.TAKEN) {
                    return new Outcome(now.get(), false);
                }
                if (now.isPresent() && now.get().state() == ClusterSnapshot.State.DELETING) {
                    throw VolumeException.conflict("snapshot " + v.name() + "@" + name + " is being deleted");
                }
                if (now.isEmpty()) {
                    try {
                        store.put(key, ClusterSnapshot.requested(v.name(), name, uuid).toFields(), MetadataStore.ABSENT);
                    } catch (RevisionConflictException raced) {
                        continue;
                    }
                }
                ClusterSnapshot done = awaitSettled(key, v);
                if (done.state() == ClusterSnapshot.State.FAILED) {
                    store.delete(key, done.revision());
                    throw VolumeException.unsupported("the primary brick " + v.replicas().primary()
                            + " could not take the snapshot: " + done.message());
                }
                return new Outcome(done, now.isEmpty());
            }
        } catch (MetadataStoreException e) {
            throw ClusterVolumes.unavailable(e);
        }
        throw VolumeException.conflict("snapshot " + v.name() + "@" + name + " keeps changing; retry");
    }

    private ClusterSnapshot awaitSettled(String key, ClusterVolume v) throws VolumeException, MetadataStoreException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ClusterSnapshot> s = read(key);
            if (s.isEmpty()) {
                throw VolumeException.conflict("snapshot " + key + " was deleted meanwhile");
            }
            if (s.get().state() == ClusterSnapshot.State.TAKEN || s.get().state() == ClusterSnapshot.State.FAILED) {
                return s.get();
            }
            sleep();
        }
        throw VolumeException.unavailable("the primary brick " + v.replicas().primary() + " has not acted on "
                + key + " within " + WAIT.toSeconds() + " s; it will when it can: ask again to see");
    }

    /** The volume's snapshots, oldest first. */
    public List<ClusterSnapshot> list(String volume) throws VolumeException {
        ClusterVolume v = volumes.get(volume);
        return taken(v).stream().sorted(Comparator.comparingInt(ClusterSnapshot::id)).toList();
    }

    public ClusterSnapshot get(String volume, String name) throws VolumeException {
        ClusterVolume v = volumes.get(volume);
        return taken(v).stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> VolumeException.notFound("volume " + v.name() + " has no snapshot '" + name + "'"));
    }

    /** Has the primary delete the snapshot, and waits until it has. */
    public void delete(String volume, String name) throws VolumeException {
        ClusterSnapshot s = get(volume, name);
        String key = MetadataKeys.snapshot(s.volume(), s.name());
        try {
            store.put(key, s.with(ClusterSnapshot.State.DELETING, null).toFields(), s.revision());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read(key).isPresent()) {
                if (System.nanoTime() > deadline) {
                    throw VolumeException.unavailable("the primary brick has not deleted " + key + " within "
                            + WAIT.toSeconds() + " s; it will when it can");
                }
                sleep();
            }
        } catch (RevisionConflictException raced) {
            throw VolumeException.conflict("snapshot " + key + " changed meanwhile; retry");
        } catch (MetadataStoreException e) {
            throw ClusterVolumes.unavailable(e);
        }
    }

    /** How many snapshots the volume has (asked for or taken). */
    public int count(ClusterVolume v) throws VolumeException {
        return records(v).size();
    }

    /** Forgets the records of a deleted volume's snapshots (its bricks delete the volume with them). */
    public void forget(ClusterVolume v) throws VolumeException {
        try {
            for (ClusterSnapshot s : records(v)) {
                store.delete(MetadataKeys.snapshot(s.volume(), s.name()), MetadataStore.ANY);
            }
        } catch (MetadataStoreException e) {
            throw ClusterVolumes.unavailable(e);
        }
    }

    private List<ClusterSnapshot> taken(ClusterVolume v) throws VolumeException {
        return records(v).stream().filter(s -> s.state() == ClusterSnapshot.State.TAKEN).toList();
    }

    private List<ClusterSnapshot> records(ClusterVolume v) throws VolumeException {
        try {
            List<ClusterSnapshot> out = new ArrayList<>();
            String uuid = v.spec().uuid().toString();
            for (MetadataEntry e : store.list(MetadataKeys.SNAPSHOTS + v.name() + "/").entries()) {
                ClusterSnapshot s = ClusterSnapshot.of(e);
                if (s.volumeUuid().equals(uuid)) {
                    out.add(s);
                }
            }
            return out;
        } catch (MetadataStoreException e) {
            throw ClusterVolumes.unavailable(e);
        }
    }

    private Optional<ClusterSnapshot> read(String key) throws MetadataStoreException {
        return store.get(key).map(ClusterSnapshot::of);
    }

    private static void sleep() throws VolumeException {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw VolumeException.unavailable("interrupted");
        }
    }
}
