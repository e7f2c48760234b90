package io.basalt.control.local;

import io.basalt.control.CompactedRevisionException;
import io.basalt.control.MetadataEvent;
import io.basalt.control.MetadataWatcher;
import io.basalt.control.Watch;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The watches of a {@link LocalMetadataStore} and the recent changes they can start from. The store
 * calls {@link #publish} and {@link #watch} under its own lock, in revision order; deliveries run
 * on one thread of their own, in the order they were queued, so every watcher sees changes in
 * revision order and a watcher may call back into the store without deadlock.
 */
final class WatchHub {
    private static final System.Logger LOG = System.getLogger(WatchHub.class.getName());

    private final int capacity;
    private final ArrayDeque<MetadataEvent> history = new ArrayDeque<>();
    private final List<LocalWatch> watches = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("metadata-watch").daemon().factory());
    /** Changes after this revision are all in {@link #history}. */
    private long compactedRevision;

    WatchHub(int capacity) {
        this.capacity = capacity;
    }

    /** Changes up to {@code revision} predate the store's history (the state it was opened in). */
    void startAt(long revision) {
        compactedRevision = revision;
    }

    void publish(MetadataEvent event) {
        history.addLast(event);
        if (history.size() > capacity) {
            compactedRevision = history.removeFirst().revision();
        }
        for (LocalWatch w : watches) {
            w.offer(event);
        }
    }

    Watch watch(String prefix, long afterRevision, MetadataWatcher watcher) throws CompactedRevisionException {
        if (afterRevision < compactedRevision) {
            throw new CompactedRevisionException(afterRevision, compactedRevision);
        }
        LocalWatch w = new LocalWatch(prefix, afterRevision, watcher);
        history.forEach(w::offer);
        watches.add(w);
        return w;
    }

    void close() {
        // Each watch removes itself, so later changes are offered to none and nothing reaches the
        // executor after its shutdown.
        watches.forEach(LocalWatch::close);
        delivery.shutdown();
    }

    private final class LocalWatch implements Watch {
        private final String prefix;
        private final long afterRevision;
        private final MetadataWatcher watcher;
        private volatile boolean closed;

        LocalWatch(String prefix, long afterRevision, MetadataWatcher watcher) {
            this.prefix = prefix;
            this.afterRevision = afterRevision;
            this.watcher = watcher;
        }

        void offer(MetadataEvent event) {
            if (event.revision() > afterRevision && event.key().startsWith(prefix) && !closed) {
                delivery.execute(() -> deliver(event));
            }
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
            closed = true;
            watches.remove(this);
        }
    }
}
