package io.basalt.server.cluster;

import io.basalt.replication.ReplicationListener;
import io.basalt.replication.ResyncProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A volume's replication news as events, log lines and meters. */
final class ResyncEvents implements ReplicationListener {
    private static final Logger LOG = LoggerFactory.getLogger(ResyncEvents.class);

    private final String volume;
    private final ClusterEvents events;
    private final ReplicationMeters meters;
    /** Bytes and regions of each replica's current resync already counted, so progress adds only what is new. */
    private final Map<String, long[]> counted = new ConcurrentHashMap<>();

    ResyncEvents(String volume, ClusterEvents events, ReplicationMeters meters) {
        this.volume = volume;
        this.events = events;
        this.meters = meters;
    }

    @Override
    public void replicaDropped(String brick, long epoch, boolean recorded) {
        if (!recorded) {
            LOG.warn("Volume {}: the replica on {} failed and its drop could not be recorded (epoch {}): writes "
                    + "waiting on it were not acknowledged", volume, brick, epoch);
        }
    }

    @Override
    public void resyncStarted(ResyncProgress p) {
        counted.put(p.brick(), new long[2]);
        count(p);
        LOG.info("Volume {}: resyncing the replica on {}: {} changed region(s) of {} KiB", volume, p.brick(),
                p.regionsTotal(), p.regionBytes() / 1024);
        events.event("volume.resync-started", false, volume, "copying " + p.regionsTotal() + " changed region(s) of "
                + p.regionBytes() / 1024 + " KiB to the replica on " + p.brick());
    }

    @Override
    public void resyncProgress(ResyncProgress p) {
        count(p);
    }

    @Override
    public void resyncDone(ResyncProgress p) {
        count(p);
        meters.of(volume, p.brick()).completed.incrementAndGet();
        LOG.info("Volume {}: the replica on {} is in sync ({} bytes copied; writes paused {} ms for the last copy)",
                volume, p.brick(), p.bytesCopied(), p.lastPauseNanos() / 1_000_000);
        events.event("volume.resync-done", false, volume, "the replica on " + p.brick() + " is in sync again: "
                + p.bytesCopied() + " bytes copied, writes paused " + p.lastPauseNanos() / 1_000_000 + " ms");
    }

    @Override
    public void resyncFailed(ResyncProgress p, String reason) {
        count(p);
        LOG.warn("Volume {}: resync of the replica on {} stopped ({}); it will be retried", volume, p.brick(), reason);
        events.event("volume.resync-failed", true, volume, "resync of the replica on " + p.brick() + " stopped: "
                + reason + "; it will be retried");
    }

    /** Adds what the resync copied since the last report to the meters. */
    private void count(ResyncProgress p) {
        ReplicationMeters.Resyncs m = meters.of(volume, p.brick());
        long[] seen = counted.computeIfAbsent(p.brick(), b -> new long[2]);
        synchronized (seen) {
            if (p.bytesCopied() > seen[0]) {
                m.bytes.addAndGet(p.bytesCopied() - seen[0]);
                seen[0] = p.bytesCopied();
            }
            long regions = p.bytesCopied() / p.regionBytes();
            if (regions > seen[1]) {
                m.regions.addAndGet(regions - seen[1]);
                seen[1] = regions;
            }
        }
        m.remaining.set(p.regionsRemaining());
    }
}
