package io.basalt.control.cluster;

import java.util.Objects;

/**
 * The leader of an election as it stood at some revision.
 *
 * @param election  the election's name
 * @param candidate the name the leader campaigned with (a brick name)
 * @param leaseId   the lease the leadership is bound to
 * @param term      the revision at which the leader's candidacy was created: grows with every new
 *                  leader, so it can fence a deposed leader's late writes
 */
public record Leader(String election, String candidate, long leaseId, long term) {
    public Leader {
        Objects.requireNonNull(election);
        Objects.requireNonNull(candidate);
    }
}
