package io.basalt.control.etcd;

import io.basalt.control.CompactedRevisionException;
import io.basalt.control.MetadataEntry;
import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataStoreException;
import io.basalt.control.MetadataWatcher;
import io.basalt.control.Watch;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One {@link io.basalt.control.MetadataStore#watch} over etcd, which survives etcd restarts and
 * member failures without a gap or a duplicate.
 *
 * <p>jetcd resumes a broken watch by itself, but from a revision it takes partly from the creation
 * response's header, which can skip changes that were still to be replayed when the stream broke.
 * So this class resumes on its own terms: on any stream error it drops that jetcd watcher (a new
 * <em>generation</em>; events of older ones are ignored) and, after {@link #RESUME_DELAY}, watches
 * again from the revision after the last change it accepted. Changes at or below that revision are
 * dropped, so a replay never repeats one. Only a compacted revision ends the watch, told through
 * {@link MetadataWatcher#onEnd}.
 *
 * <p>Accepted changes are delivered in order on this watch's own thread, so a watcher may call the
 * store (even wait for another watch) without stalling jetcd's threads.
 */
final class EtcdWatch implements Watch {
    private static final System.Logger LOG = System.getLogger(EtcdWatch.class.getName());
    static final Duration RESUME_DELAY = Duration.ofMillis(250);

    private final EtcdConnection connection;
    private final EtcdKeySpace keys;
    private final String prefix;
    private final MetadataWatcher watcher;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService delivery;
    /** Guarded by this: the jetcd watcher whose events count, its generation, the last accepted revision. */
    private io.etcd.jetcd.Watch.Watcher current;
    private long generation;
    private long acceptedRevision;
    private boolean failing;
    /** Guarded by this: etcd no longer has the history to resume from; queued changes are still delivered. */
    private boolean ended;
    /** Closed by its owner: nothing more is delivered. */
    private volatile boolean closed;

    EtcdWatch(EtcdConnection connection, EtcdKeySpace keys, String prefix, long afterRevision,
              MetadataWatcher watcher, ScheduledExecutorService scheduler) {
        this.connection = connection;
        this.keys = keys;
        this.prefix = prefix;
        this.watcher = watcher;
        this.scheduler = scheduler;
        this.acceptedRevision = afterRevision;
        this.delivery = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("etcd-watch " + prefix).factory());
    }

    /**
     * Watches from the first revision not yet accepted. jetcd's {@code watch} takes jetcd's own lock, and
     * jetcd calls this watch's callbacks holding it: so the call is made without this watch's lock, or
     * the two would deadlock (seen: a watch failing while it resumed).
     */
    void subscribe() {
        long gen;
        WatchOption option;
        io.etcd.jetcd.Watch.Watcher superseded;
        synchronized (this) {
            if (closed || ended) {
                return;
            }
            superseded = current;
            current = null;
            gen = ++generation;
            option = WatchOption.builder().isPrefix(true).withPrevKV(true).withRevision(acceptedRevision + 1).build();
        }
        if (superseded != null) {
            scheduler.execute(superseded::close); // closing twice is harmless
        }
        io.etcd.jetcd.Watch.Watcher started = connection.watch().watch(keys.etcdKey(prefix), option,
                io.etcd.jetcd.Watch.listener(response -> onResponse(gen, response), failure -> onFailure(gen, failure),
                        () -> onCompleted(gen)));
        boolean stale;
        synchronized (this) {
            // A failure, restart or close may have come meanwhile: then this watcher is already given up.
            stale = gen != generation || closed || ended;
            if (!stale) {
                current = started;
            }
        }
        if (stale) {
            scheduler.execute(started::close);
        }
    }

    private synchronized void onResponse(long gen, WatchResponse response) {
        if (gen != generation || closed || ended) {
            return;
        }
        connection.answered();
        if (failing) {
            LOG.log(System.Logger.Level.INFO, "metadata watch on " + keys.locate(prefix) + " resumed at revision "
                    + (acceptedRevision + 1));
            failing = false;
        }
        long before = acceptedRevision;
        for (WatchEvent e : response.getEvents()) {
            KeyValue kv = e.getKeyValue();
            if (kv.getModRevision() <= before) {
                continue; // replayed: delivered already
            }
            acceptedRevision = Math.max(acceptedRevision, kv.getModRevision());
            MetadataEvent event = toEvent(e);
            if (event != null) {
                delivery.execute(() -> deliver(event));
            }
        }
    }

    private synchronized void onFailure(long gen, Throwable failure) {
        if (gen != generation || closed || ended) {
            return;
        }
        generation++; // whatever this watcher still sends is ignored
        io.etcd.jetcd.Watch.Watcher broken = current;
        current = null;
        if (failure instanceof CompactedException compacted) {
            ended = true;
            closeLater(broken);
            CompactedRevisionException end = new CompactedRevisionException(acceptedRevision + 1,
                    compacted.getCompactedRevision());
            delivery.execute(() -> {
                if (!closed) {
                    watcher.onEnd(end);
                }
            });
            delivery.shutdown();
            return;
        }
        if (!failing) {
            LOG.log(System.Logger.Level.WARNING, "metadata watch on " + keys.locate(prefix) + " broken ("
                    + failure.getMessage() + "): resuming after revision " + acceptedRevision);
            failing = true;
        }
        closeLater(broken);
        scheduler.execute(connection::unreachable); // not under this lock: it may restart every watch
        scheduler.schedule(this::subscribe, RESUME_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Closes a watcher on the scheduler (never under this lock); null when subscribe has not set it yet. */
    private void closeLater(io.etcd.jetcd.Watch.Watcher w) {
        if (w != null) {
            scheduler.execute(w::close);
        }
    }

    /** The connection's client was replaced: its streams ended silently, so watch again on the new one. */
    synchronized void restart() {
        if (!closed && !ended) {
            generation++;
            scheduler.schedule(this::subscribe, RESUME_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** jetcd gave up on a watcher without an error first: watch again. */
    private synchronized void onCompleted(long gen) {
        if (gen == generation && !closed && !ended) {
            generation++;
            scheduler.schedule(this::subscribe, RESUME_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private MetadataEvent toEvent(WatchEvent e) {
        KeyValue kv = e.getKeyValue();
        try {
            if (e.getEventType() == WatchEvent.EventType.DELETE) {
                KeyValue prev = e.getPrevKV();
                MetadataEntry was = prev != null && !prev.getKey().isEmpty() ? keys.entry(prev) : keys.removed(kv);
                return new MetadataEvent(MetadataEvent.Type.DELETE, was.key(), was, kv.getModRevision());
            }
            if (e.getEventType() == WatchEvent.EventType.PUT) {
                MetadataEntry entry = keys.entry(kv);
                return new MetadataEvent(MetadataEvent.Type.PUT, entry.key(), entry, kv.getModRevision());
            }
        } catch (MetadataStoreException unreadable) {
            LOG.log(System.Logger.Level.WARNING, "skipping a change a watcher cannot read: " + unreadable.getMessage());
        }
        return null;
    }

    private void deliver(MetadataEvent event) {
        if (closed) {
            return;
        }
        try {
            watcher.onChange(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "metadata watcher failed on " + event.key() + " at revision "
                    + event.revision(), e);
        }
    }

    @Override
    public void close() {
        io.etcd.jetcd.Watch.Watcher last;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            last = current;
        }
        if (last != null) {
            last.close();
        }
        delivery.shutdown();
    }
}
