package io.basalt.control.cluster;

/**
 * Told what becomes of a {@link Candidacy}; calls come one at a time, in order, on a thread of the
 * coordination service's own (which may call the service), except that a candidate elected at once
 * hears {@link #onElected} on the campaigning thread before {@code campaign} returns.
 */
public interface LeadershipListener {
    /** This candidate leads from now on, until {@link #onDeposed}. */
    void onElected(Leader leader);

    /**
     * This candidate no longer leads (or, if it never led, no longer runs): its lease was lost or
     * its candidacy removed. Stop acting as leader; campaign again with a new lease to run again.
     */
    void onDeposed(Leader leader, String reason);
}
