package io.basalt.control.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.Watch;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The store's jetcd client, replaced by a fresh one when etcd has not answered for
 * {@link #REPLACE_AFTER}. gRPC waits longer and longer between reconnection attempts while a
 * server is down (up to two minutes): after a 30 s outage the old client took another 10 s to
 * notice etcd was back. A fresh client connects at once, so the store recovers within a few
 * seconds of etcd's return however long it was away. Watches are told to resubscribe on the new
 * client ({@link #onReplaced}); leases and calls take the current client each time.
 */
final class EtcdConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EtcdConnection.class.getName());
    /** Without an answer for this long, the next failure replaces the client (at most this often). */
    static final Duration REPLACE_AFTER = Duration.ofSeconds(5);

    private final List<URI> endpoints;
    private final Duration connectTimeout;
    private final Executor closer;
    private final List<Runnable> replacementListeners = new CopyOnWriteArrayList<>();
    private volatile Client client;
    private volatile long lastAnswerNanos = System.nanoTime();
    private long lastReplacedNanos = System.nanoTime();
    private boolean closed;

    EtcdConnection(List<URI> endpoints, Duration connectTimeout, Executor closer) {
        this.endpoints = endpoints;
        this.connectTimeout = connectTimeout;
        this.closer = closer;
        this.client = newClient();
    }

    private Client newClient() {
        // Not waitForReady: a call made while no member is reachable fails at once instead of
        // waiting in jetcd's queue, where it would outlive our deadline and could still write
        // when etcd returns, long after the caller was told it failed.
        return Client.builder().endpoints(endpoints.toArray(URI[]::new)).connectTimeout(connectTimeout)
                .waitForReady(false).build();
    }

    KV kv() {
        return client.getKVClient();
    }

    Watch watch() {
        return client.getWatchClient();
    }

    Lease lease() {
        return client.getLeaseClient();
    }

    /** etcd answered something: the connection works. */
    void answered() {
        lastAnswerNanos = System.nanoTime();
    }

    /** A call or stream failed for want of etcd: replace the client if etcd has been silent long enough. */
    void unreachable() {
        Client old;
        synchronized (this) {
            long now = System.nanoTime();
            if (closed || now - lastAnswerNanos < REPLACE_AFTER.toNanos()
                    || now - lastReplacedNanos < REPLACE_AFTER.toNanos()) {
                return;
            }
            lastReplacedNanos = now;
            old = client;
            client = newClient();
        }
        LOG.log(System.Logger.Level.INFO, "etcd at " + endpoints + " silent for over " + REPLACE_AFTER.toSeconds()
                + " s: reconnecting with a fresh client");
        // Off the caller's thread, which may hold a watch's or a lease's lock.
        try {
            closer.execute(() -> {
                replacementListeners.forEach(Runnable::run);
                old.close();
            });
        } catch (RejectedExecutionException storeClosing) {
            old.close();
        }
    }

    /** {@code listener} runs after each replacement: streams on the old client are gone without an error. */
    void onReplaced(Runnable listener) {
        replacementListeners.add(listener);
    }

    void removeOnReplaced(Runnable listener) {
        replacementListeners.remove(listener);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        client.close();
    }
}
