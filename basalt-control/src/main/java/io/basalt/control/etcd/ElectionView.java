package io.basalt.control.etcd;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataKeys;
import io.basalt.control.cluster.Leader;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The candidates of one election as a listing and the changes after it show them; the leader is
 * the candidate whose key was created first (lowest creation revision). Not thread-safe: each user
 * updates it from one watch's thread.
 */
final class ElectionView {
    static final String CANDIDATE_FIELD = "candidate";

    private final String election;
    private final Map<String, MetadataEntry> candidates = new HashMap<>();

    ElectionView(String election, List<MetadataEntry> listed) {
        this.election = election;
        listed.stream().filter(ElectionView::isCandidate).forEach(e -> candidates.put(e.key(), e));
    }

    /** Only keys named by a lease ID count: anything else written there cannot lead. */
    private static boolean isCandidate(MetadataEntry e) {
        try {
            Long.parseUnsignedLong(MetadataKeys.name(e.key()), 16);
            return true;
        } catch (NumberFormatException notALease) {
            return false;
        }
    }

    /** {@code elections/ELECTION/}: where its candidates' keys live. */
    static String prefix(String election) {
        if (!MetadataKeys.isSegment(election)) {
            throw new IllegalArgumentException("invalid election name " + election);
        }
        return MetadataKeys.ELECTIONS + election + "/";
    }

    /** A candidate's key: one per lease, so a lease runs once in an election. */
    static String candidateKey(String election, long leaseId) {
        return prefix(election) + Long.toHexString(leaseId);
    }

    void apply(MetadataEvent event) {
        if (event.type() == MetadataEvent.Type.PUT && isCandidate(event.entry())) {
            candidates.put(event.key(), event.entry());
        } else {
            candidates.remove(event.key());
        }
    }

    boolean contains(String key) {
        return candidates.containsKey(key);
    }

    Optional<Leader> leader() {
        return candidates.values().stream().min(Comparator.comparingLong(MetadataEntry::createRevision))
                .map(this::leaderOf);
    }

    Leader leaderOf(MetadataEntry e) {
        String candidate = e.field(CANDIDATE_FIELD);
        return new Leader(election, candidate == null ? "" : candidate,
                Long.parseUnsignedLong(MetadataKeys.name(e.key()), 16), e.createRevision());
    }
}
