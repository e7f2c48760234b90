package io.basalt.nvmet.subsystem;

import io.basalt.volume.Volume;

import java.util.Objects;

/**
 * A {@link Volume} as one path (this target's subsystem) exports it as an NVMe namespace. The volume
 * holds everything that is the same on every path — identity, host access, QoS, counters, the store
 * — and this class adds only what is per path: the namespace's ANA state and when it last changed.
 */
public final class Namespace {
    private final Volume volume;
    /** Read once per I/O command (a volatile read, nothing more); written by {@link Subsystem#setAnaState}. */
    private volatile AnaState anaState = AnaState.OPTIMIZED;
    /** The ANA log's change count when this namespace's state last changed. */
    private volatile long anaChangeCount = 1;

    public Namespace(Volume volume) {
        this.volume = Objects.requireNonNull(volume);
    }

    /** The volume this namespace exports. */
    public Volume volume() {
        return volume;
    }

    /** The NSID: the volume's, the same on every path. */
    public int nsid() {
        return volume.nsid();
    }

    /** This path's ANA state for the namespace; optimized unless the subsystem was told otherwise. */
    public AnaState anaState() {
        return anaState;
    }

    /** The ANA log's change count when {@link #anaState} last changed. */
    public long anaChangeCount() {
        return anaChangeCount;
    }

    /** Only {@link Subsystem} changes the state, so that hosts are always told. */
    void setAnaState(AnaState state, long changeCount) {
        this.anaChangeCount = changeCount;
        this.anaState = Objects.requireNonNull(state);
    }
}
