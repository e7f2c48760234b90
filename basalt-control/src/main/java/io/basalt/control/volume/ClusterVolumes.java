package io.basalt.control.volume;

import io.basalt.units.Sizes;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.MetadataUnavailableException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.placement.BrickCandidate;
import io.basalt.control.placement.DomainRequirement;
import io.basalt.control.placement.Placement;
import io.basalt.control.placement.PlacementException;
import io.basalt.control.topology.BrickDirectory;
import io.basalt.control.topology.Replicas;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The cluster's volume service: validates a request, places the volume's replicas, and records the
 * result in the cluster's metadata store, the one truth every brick's {@link io.basalt.control.agent.VolumeAgent} carries
 * out. Any brick runs it for the API it serves; concurrent calls on different bricks are kept
 * consistent by compare-and-set on each volume's record and on the NSID counter.
 */
public final class ClusterVolumes {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterVolumes.class);
    /** Attempts of a read-modify-write that keeps losing its compare-and-set to other writers. */
    private static final int CAS_ATTEMPTS = 16;

    private final MetadataStore store;
    private final BrickDirectory bricks;
    private final int maxNsid;

    public ClusterVolumes(MetadataStore store, int maxNsid) {
        this.store = store;
        this.bricks = new BrickDirectory(store);
        this.maxNsid = maxNsid;
    }

    /** A create's result: the volume, and whether this call created it. */
    public record Outcome(ClusterVolume volume, boolean created) {
    }

    /**
     * Creates and places a volume; idempotent: a volume of that name with the same spec and replica
     * count is returned as it is (wherever it is placed: {@code domains} steer a new volume only), one
     * with another spec is a CONFLICT naming the difference. A placement the bricks cannot give is
     * UNPLACEABLE, saying why.
     */
    public Outcome create(CreateRequest r, int replicas, String failureDomainKey, DomainRequirement domains)
            throws VolumeException {
        if (r.fromSnapshot() != null || r.readOnly()) {
            throw VolumeException.unsupported("clones and snapshot exports are not yet available on a cluster");
        }
        if (replicas < 1 || replicas > Placement.MAX_REPLICAS) {
            throw VolumeException.invalid("replicas must be 1, 2 or 3, not " + replicas);
        }
        VolumeSpec spec = VolumeRequests.spec(r);
        Map<String, String> labels = VolumeRequests.validLabels(r.labels());
        requirePolicy(r.qosPolicy());
        VolumeMetadata wanted = new VolumeMetadata(spec.name(), 0, UUID.randomUUID(), spec.sizeBytes(),
                spec.blockSize(), spec.backend(), spec.hosts(), null, new TreeMap<>(labels), r.qosPolicy(), true,
                System.currentTimeMillis(), spec.services(), null, null);
        try {
            for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
                Optional<ClusterVolume> existing = find(spec.name());
                if (existing.isPresent()) {
                    return new Outcome(same(existing.get(), wanted, replicas), false);
                }
                List<ClusterVolume> all = list();
                List<String> placed = place(all, spec.sizeBytes(), replicas, failureDomainKey, domains);
                VolumeMetadata v = wanted.withNsid(allocateNsid(all));
                Replicas where = Replicas.placed(placed);
                DomainRequirement kept = new DomainRequirement(domains.allowed(), List.of());
                try {
                    MetadataEntry e = store.put(MetadataKeys.volume(v.name()), ClusterVolume.fields(v, where, kept),
                            MetadataStore.ABSENT);
                    LOG.info("Placed volume {} ({}, NSID {}) on {}, primary {}", v.name(), Sizes.format(v.sizeBytes()),
                            v.nsid(), placed, where.primary());
                    return new Outcome(new ClusterVolume(v, where, kept, e.modRevision()), true);
                } catch (RevisionConflictException raced) {
                    // Another brick created the name meanwhile: compare with what it recorded.
                }
            }
        } catch (MetadataStoreException e) {
            throw unavailable(e);
        }
        throw VolumeException.conflict("volume " + spec.name() + " keeps changing under this create; retry");
    }

    private ClusterVolume same(ClusterVolume existing, VolumeMetadata wanted, int replicas) throws VolumeException {
        String differences = RepeatedCreate.differences(existing.spec(), wanted.withNsid(existing.spec().nsid()),
                uuid -> null);
        if (differences == null && existing.replicas().bricks().size() != replicas) {
            differences = "replicas " + existing.replicas().bricks().size() + ", not " + replicas;
        }
        if (differences != null) {
            throw VolumeException.conflict("volume '" + wanted.name() + "' already exists with a different spec: "
                    + differences);
        }
        return existing;
    }

    private List<String> place(List<ClusterVolume> all, long size, int replicas, String key,
                               DomainRequirement domains) throws VolumeException, MetadataStoreException {
        Map<String, Integer> primaries = new HashMap<>();
        all.forEach(v -> primaries.merge(v.replicas().primary(), 1, Integer::sum));
        List<BrickCandidate> candidates = new ArrayList<>();
        for (BrickDirectory.Member m : bricks.members()) {
            candidates.add(new BrickCandidate(m.name(), m.alive(), m.record().failureDomains(),
                    m.record().freeBytes(), primaries.getOrDefault(m.name(), 0)));
        }
        try {
            return Placement.place(candidates, size, replicas, key, domains);
        } catch (PlacementException e) {
            throw VolumeException.unplaceable("cannot place the volume: " + e.getMessage());
        }
    }

    private int allocateNsid(List<ClusterVolume> all) throws VolumeException {
        Set<Integer> inUse = new HashSet<>();
        all.forEach(v -> inUse.add(v.spec().nsid()));
        try {
            int nsid = NsidAllocator.load(store, inUse, maxNsid).allocate(inUse);
            if (nsid == NsidAllocator.NONE) {
                throw VolumeException.conflict("the cluster already has " + maxNsid + " volumes");
            }
            return nsid;
        } catch (DataDirException e) {
            throw VolumeException.unavailable(e.getMessage());
        }
    }

    /** Every volume, sorted by name. */
    public List<ClusterVolume> list() throws VolumeException {
        try {
            List<ClusterVolume> out = new ArrayList<>();
            for (MetadataEntry e : store.list(MetadataKeys.VOLUMES).entries()) {
                out.add(ClusterVolume.of(e));
            }
            return out;
        } catch (MetadataStoreException e) {
            throw unavailable(e);
        }
    }

    /** By name or UUID. */
    public ClusterVolume get(String nameOrUuid) throws VolumeException {
        Optional<ClusterVolume> byName = MetadataKeys.isSegment(nameOrUuid) ? find(nameOrUuid) : Optional.empty();
        if (byName.isPresent()) {
            return byName.get();
        }
        return list().stream().filter(v -> v.spec().uuid().toString().equalsIgnoreCase(nameOrUuid)).findFirst()
                .orElseThrow(() -> VolumeException.notFound("no volume '" + nameOrUuid + "'"));
    }

    private Optional<ClusterVolume> find(String name) throws VolumeException {
        try {
            return store.get(MetadataKeys.volume(name)).map(ClusterVolume::of);
        } catch (MetadataStoreException e) {
            throw unavailable(e);
        } catch (IllegalArgumentException e) {
            throw VolumeException.invalid(e.getMessage());
        }
    }

    /** Deletes the volume's record; every brick holding a replica then deletes its copy. */
    public void delete(String nameOrUuid) throws VolumeException {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            ClusterVolume v = get(nameOrUuid);
            try {
                store.delete(MetadataKeys.volume(v.name()), v.revision());
                LOG.info("Deleted volume {} from the cluster", v.name());
                return;
            } catch (RevisionConflictException raced) {
                // Changed meanwhile: delete what it is now.
            } catch (MetadataStoreException e) {
                throw unavailable(e);
            }
        }
        throw VolumeException.conflict("volume " + nameOrUuid + " keeps changing; retry");
    }

    /** Applies {@code change} to the volume's spec by compare-and-set, retrying when others write first. */
    public ClusterVolume update(String nameOrUuid, UnaryOperator<VolumeMetadata> change) throws VolumeException {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            ClusterVolume v = get(nameOrUuid);
            VolumeMetadata after = change.apply(v.spec());
            if (after.equals(v.spec())) {
                return v;
            }
            try {
                MetadataEntry e = store.put(MetadataKeys.volume(v.name()), v.fields(after, v.replicas()),
                        v.revision());
                return v.with(after, v.replicas(), e.modRevision());
            } catch (RevisionConflictException raced) {
                // Changed meanwhile: apply the change to what it is now.
            } catch (MetadataStoreException e) {
                throw unavailable(e);
            }
        }
        throw VolumeException.conflict("volume " + nameOrUuid + " keeps changing; retry");
    }

    private void requirePolicy(String policy) throws VolumeException {
        if (policy == null) {
            return;
        }
        try {
            if (!MetadataKeys.isSegment(policy) || store.get(MetadataKeys.qosPolicy(policy)).isEmpty()) {
                throw VolumeException.notFound("no QoS policy '" + policy + "'");
            }
        } catch (MetadataStoreException e) {
            throw unavailable(e);
        }
    }

    /** etcd not answering is worth a retry (503); anything else the store says is the brick's failure (500). */
    public static VolumeException unavailable(MetadataStoreException e) {
        if (e instanceof MetadataUnavailableException) {
            return VolumeException.unavailable("the cluster's metadata store cannot be reached: " + e.getMessage());
        }
        return VolumeException.internal("the cluster's metadata store failed: " + e.getMessage());
    }
}
