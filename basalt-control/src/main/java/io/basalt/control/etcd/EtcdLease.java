package io.basalt.control.etcd;

import io.basalt.control.cluster.Lease;
import io.basalt.control.cluster.LeaseListener;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link Lease} kept alive by this class rather than by jetcd's keep-alive stream, because its
 * validity must count from when each keep-alive was <em>sent</em>: every {@code TTL / 3} it sends
 * one {@code LeaseKeepAlive} and, when etcd answers with the TTL, moves {@link #validUntilNanos()}
 * to send time + TTL. A timer fires at that deadline: if no answer moved it, the lease is lost.
 *
 * <p>State changes run on the store's scheduler thread; the listener is called on the store's
 * callback thread, once.
 */
final class EtcdLease implements Lease {
    private static final System.Logger LOG = System.getLogger(EtcdLease.class.getName());

    private final EtcdConnection connection;
    private final long id;
    private final Duration ttl;
    private final LeaseListener listener;
    private final ScheduledExecutorService scheduler;
    private final Executor callbacks;
    private final Duration revokeTimeout;
    /** Told before the listener: the store's candidacies bound to this lease. */
    private final List<Consumer<String>> lossHooks = new CopyOnWriteArrayList<>();
    private volatile long validUntilNanos;
    private volatile boolean lost;
    private boolean warnedUnanswered;
    private ScheduledFuture<?> keepAlive;
    private ScheduledFuture<?> expiry;

    EtcdLease(EtcdConnection connection, long id, Duration ttl, long validUntilNanos, LeaseListener listener,
              ScheduledExecutorService scheduler, Executor callbacks, Duration revokeTimeout) {
        this.connection = connection;
        this.id = id;
        this.ttl = ttl;
        this.validUntilNanos = validUntilNanos;
        this.listener = listener;
        this.scheduler = scheduler;
        this.callbacks = callbacks;
        this.revokeTimeout = revokeTimeout;
    }

    /**
     * Starts the keep-alive: the first at once, since a slow grant (a cold client, a loaded
     * machine) may have used up much of the validity counted from its send time; then every third
     * of the TTL.
     */
    synchronized void start() {
        long interval = Math.max(100, ttl.toMillis() / 3);
        keepAlive = scheduler.scheduleAtFixedRate(this::sendKeepAlive, 0, interval, TimeUnit.MILLISECONDS);
        armExpiry();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public long validUntilNanos() {
        return validUntilNanos;
    }

    @Override
    public boolean isLost() {
        return lost;
    }

    void onLoss(Consumer<String> hook) {
        lossHooks.add(hook);
    }

    private void sendKeepAlive() {
        if (lost) {
            return;
        }
        long sent = System.nanoTime();
        connection.lease().keepAliveOnce(id).orTimeout(ttl.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((answer, failure) -> scheduler.execute(() -> onAnswer(sent, answer, failure)));
    }

    private synchronized void onAnswer(long sent, LeaseKeepAliveResponse answer, Throwable failure) {
        if (lost) {
            return;
        }
        if (failure != null && !isNotFound(failure)) {
            connection.unreachable();
            if (!warnedUnanswered) {
                LOG.log(System.Logger.Level.WARNING, "lease " + Long.toHexString(id) + " keep-alive failed ("
                        + failure.getMessage() + "); valid for " + remainingMillis() + " ms more");
                warnedUnanswered = true;
            }
            return; // the expiry timer decides
        }
        if (failure != null || answer.getTTL() <= 0) {
            lose("etcd says lease " + Long.toHexString(id) + " expired or was revoked");
            return;
        }
        connection.answered();
        warnedUnanswered = false;
        long until = sent + TimeUnit.SECONDS.toNanos(answer.getTTL());
        if (until - validUntilNanos > 0) {
            validUntilNanos = until;
            armExpiry();
        }
    }

    private void armExpiry() {
        if (expiry != null) {
            expiry.cancel(false);
        }
        expiry = scheduler.schedule(this::checkExpiry, Math.max(0, validUntilNanos - System.nanoTime()),
                TimeUnit.NANOSECONDS);
    }

    private synchronized void checkExpiry() {
        if (!lost && System.nanoTime() - validUntilNanos >= 0) {
            lose("no keep-alive of lease " + Long.toHexString(id) + " answered within its TTL of " + ttl.toSeconds()
                    + " s");
        }
    }

    private synchronized void lose(String reason) {
        if (lost) {
            return;
        }
        stop();
        LOG.log(System.Logger.Level.WARNING, reason);
        // Whatever etcd still thinks, the holder acts as if the lease were gone: make it so, so that
        // its entries (a leader's candidacy) do not outlive the holder's belief.
        connection.lease().revoke(id).exceptionally(t -> null);
        callbacks.execute(() -> {
            lossHooks.forEach(h -> h.accept(reason));
            listener.onLost(this, reason);
        });
    }

    /** Stops the keep-alive without revoking or telling anyone: the store is closing. */
    synchronized void abandon() {
        if (!lost) {
            stop();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (lost) {
                return;
            }
            stop();
        }
        try {
            connection.lease().revoke(id).get(revokeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "could not revoke lease " + Long.toHexString(id)
                    + " (it ends by itself within " + ttl.toSeconds() + " s): " + e.getMessage());
        }
    }

    private void stop() {
        lost = true;
        validUntilNanos = System.nanoTime();
        if (keepAlive != null) {
            keepAlive.cancel(false);
        }
        if (expiry != null) {
            expiry.cancel(false);
        }
    }

    private long remainingMillis() {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(validUntilNanos - System.nanoTime()));
    }

    private static boolean isNotFound(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return t instanceof EtcdException e && e.getErrorCode() == ErrorCode.NOT_FOUND;
    }
}
