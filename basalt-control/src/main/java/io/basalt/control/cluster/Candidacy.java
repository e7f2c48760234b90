package io.basalt.control.cluster;

import java.util.Optional;

/** A running campaign of {@link ClusterCoordination#campaign}; closing it resigns (without telling the listener). */
public interface Candidacy extends AutoCloseable {
    /** This candidate's leadership, while it leads. */
    Optional<Leader> leadership();

    /** Withdraws the candidacy (and gives up leadership, letting the next candidate lead at once); never throws. */
    @Override
    void close();
}
