package io.basalt.control.cluster;

import java.util.Optional;

/** Told who leads an election whenever that changes; one call at a time, in order. */
@FunctionalInterface
public interface LeaderObserver {
    /** The new leader, or empty while no candidate runs. */
    void onLeaderChanged(Optional<Leader> leader);
}
