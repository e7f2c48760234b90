package io.basalt.server.cluster;

import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataKeys;
import io.basalt.control.MetadataStore;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.RevisionConflictException;
import io.basalt.control.topology.BrickRecord;
import io.basalt.control.topology.BrickState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * What the cluster leader does while it leads: judge each brick's state from its heartbeat and
 * record it — active while its heartbeat key exists, unreachable from the moment it vanishes, failed
 * once unreachable for longer than the grace — and move the primaries of volumes whose primary's
 * brick stopped heartbeating ({@link Failover}).
 */
final class LeaderDuties {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderDuties.class);
    static final long PERIOD_MILLIS = 500;

    private final MetadataStore store;
    private final Duration failedAfter;
    private final ClusterEvents events;
    private final ScheduledExecutorService thread;
    private final Failover failover;
    private ScheduledFuture<?> task;

    LeaderDuties(MetadataStore store, Duration failedAfter, ClusterEvents events) {
        this.store = store;
        this.failedAfter = failedAfter;
        this.events = events;
        this.failover = new Failover(store, events);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "basalt-cluster-leader");
            t.setDaemon(true);
            return t;
        });
    }

    synchronized void start() {
        if (task == null && !thread.isShutdown()) {
            task = thread.scheduleWithFixedDelay(this::judge, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    synchronized void stop() {
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    void close() {
        stop();
        thread.shutdownNow();
    }

    /** One round: every brick whose recorded state differs from what its heartbeat says gets the new one. */
    void judge() { // package-private for tests; runs on the leader's thread
        try {
            // Records first, heartbeats second: a brick writes its heartbeat before its record, so a
            // brick whose record this round sees has a heartbeat the later listing sees too, unless it
            // really lost it. The other order could see the record of a brick joining meanwhile but
            // not its heartbeat, and judge a brick that has just started unreachable.
            List<MetadataEntry> records = store.list(MetadataKeys.BRICKS).entries();
            Set<String> alive = new HashSet<>();
            store.list(MetadataKeys.ALIVE).entries().forEach(e -> alive.add(MetadataKeys.name(e.key())));
            long now = System.currentTimeMillis();
            for (MetadataEntry e : records) {
                String name = MetadataKeys.name(e.key());
                BrickRecord r = BrickRecord.fromFields(name, e.fields());
                BrickState next = next(r, alive.contains(name), now, failedAfter.toMillis());
                if (next != r.state()) {
                    try {
                        store.put(e.key(), r.withState(next, now).toFields(), e.modRevision());
                        LOG.info("Brick {} is now {} (was {})", name, next.label(), r.state().label());
                        events.event("brick." + next.label(), next != BrickState.ACTIVE, name, "was "
                                + r.state().label() + (next == BrickState.UNREACHABLE ? "; its heartbeat lease expired"
                                : next == BrickState.FAILED ? "; unreachable for longer than " + failedAfter : ""));
                    } catch (RevisionConflictException raced) {
                        // The brick updated its record meanwhile: judged again next round.
                    }
                }
            }
            failover.round(alive);
        } catch (MetadataStoreException | RuntimeException e) {
            LOG.debug("leader round failed: {}", e.toString());
        }
    }

    /** The state a brick should be in, given its record, whether it heartbeats, and the time. */
    static BrickState next(BrickRecord r, boolean alive, long nowMillis, long failedAfterMillis) {
        if (alive) {
            return BrickState.ACTIVE;
        }
        if (r.state() == BrickState.ACTIVE) {
            return BrickState.UNREACHABLE;
        }
        if (r.state() == BrickState.UNREACHABLE && nowMillis - r.stateSinceMillis() >= failedAfterMillis) {
            return BrickState.FAILED;
        }
        return r.state();
    }
}
