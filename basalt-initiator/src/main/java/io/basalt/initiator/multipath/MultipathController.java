package io.basalt.initiator.multipath;

import io.basalt.initiator.DiscoveryEntry;
import io.basalt.initiator.DiscoveryLog;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeController;
import io.basalt.initiator.NvmeTcpInitiator;
import io.basalt.initiator.NvmeTransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A host's view of one NVM subsystem served on several ports, as Linux's native multipath builds
 * it: one {@link NvmeController} per path (each its own port, controller ID and connections), the
 * ANA state of every namespace on every path, and {@link MultipathQueue}s that send each I/O to a
 * path where its namespace is optimized and move it to another when a path fails or turns
 * inaccessible. The caller sees neither the failover nor the paths' errors, only an I/O that took
 * longer, unless no path is usable for {@link MultipathSettings#noPathTimeoutMillis()}.
 *
 * <p>ANA states are followed three ways: an Asynchronous Event Request kept outstanding on every
 * admin queue (ANA change notices), path statuses (301h, 302h, 303h) on I/O, and a new read after
 * every reconnection or transport failure. Each path's controller reconnects on its own, as
 * configured in the {@link NvmeTcpInitiator}'s settings.
 *
 * <pre>{@code
 * try (NvmeTcpInitiator host = new NvmeTcpInitiator(InitiatorConfig.builder().ioQueues(2).build());
 *      MultipathController m = MultipathController.discover(host, new InetSocketAddress("10.0.0.1", 4420),
 *              "nqn...:cluster", MultipathSettings.defaults())) {
 *     NamespaceInfo ns = m.identifyNamespace(1);
 *     m.ioQueue(0).read(ns, 0, 8, buffer, callback);
 * }
 * }</pre>
 *
 * <p>Every path must be connected through the same {@link NvmeTcpInitiator}, so that I/O queue
 * {@code i} of each path runs on the same event loop and a failover never leaves the loop.
 * The setup and admin methods block; do not call them on an event loop.
 */
public final class MultipathController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MultipathController.class);

    private final String subnqn;
    private final SubsystemPath[] paths;
    private final MultipathQueue[] queues;
    private final ScheduledExecutorService control;

    private MultipathController(String subnqn, List<NvmeController> controllers, MultipathSettings settings,
                                int depth) {
        this.subnqn = subnqn;
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "basalt-multipath " + subnqn);
            t.setDaemon(true);
            return t;
        });
        this.paths = new SubsystemPath[controllers.size()];
        this.queues = new MultipathQueue[controllers.stream().mapToInt(c -> c.ioQueues().size()).min().orElse(0)];
        try {
            for (int p = 0; p < paths.length; p++) {
                paths[p] = new SubsystemPath(p, controllers.get(p), control, settings, this::kick);
            }
            for (int i = 0; i < queues.length; i++) {
                queues[i] = new MultipathQueue(i, paths, settings, depth);
            }
            for (SubsystemPath p : paths) {
                p.start();
            }
        } catch (RuntimeException e) {
            control.shutdownNow();
            throw e;
        }
    }

    /**
     * Connects every address as a path of {@code subnqn}. A path that cannot be connected is left
     * out with a warning; at least one must connect.
     */
    public static MultipathController connect(NvmeTcpInitiator host, List<InetSocketAddress> addresses,
                                              String subnqn, MultipathSettings settings) {
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("no path address given");
        }
        List<NvmeController> controllers = new ArrayList<>();
        RuntimeException firstFailure = null;
        for (InetSocketAddress a : new LinkedHashSet<>(addresses)) {
            try {
                controllers.add(host.connect(a, subnqn));
            } catch (RuntimeException e) {
                LOG.warn("{}: path {} left out: {}", subnqn, a, e.getMessage());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (controllers.isEmpty()) {
            throw new NvmeTransportException("no path of " + subnqn + " could be connected: "
                    + firstFailure.getMessage(), firstFailure);
        }
        try {
            return new MultipathController(subnqn, controllers, settings, host.config().queueDepth());
        } catch (RuntimeException e) {
            controllers.forEach(NvmeController::close);
            throw e;
        }
    }

    /**
     * Reads the discovery log at {@code discovery} and connects every TCP port it lists for
     * {@code subnqn} (a cluster's bricks each list all of them).
     */
    public static MultipathController discover(NvmeTcpInitiator host, InetSocketAddress discovery, String subnqn,
                                               MultipathSettings settings) {
        List<InetSocketAddress> addresses = pathsOf(host.discover(discovery), subnqn);
        if (addresses.isEmpty()) {
            throw new NvmeTransportException("the discovery log at " + discovery + " lists no TCP port for " + subnqn);
        }
        return connect(host, addresses, subnqn, settings);
    }

    /** The TCP addresses a discovery log gives for an NVM subsystem, in log order, without repeats. */
    public static List<InetSocketAddress> pathsOf(DiscoveryLog log, String subnqn) {
        Set<InetSocketAddress> found = new LinkedHashSet<>();
        for (DiscoveryEntry e : log.entries()) {
            if (e.trtype() == DiscoveryEntry.TRTYPE_TCP && e.subtype() == DiscoveryEntry.SUBTYPE_NVM
                    && e.subnqn().equals(subnqn) && e.port() > 0) {
                found.add(new InetSocketAddress(e.traddr().trim(), e.port()));
            }
        }
        return List.copyOf(found);
    }

    public String subsystemNqn() {
        return subnqn;
    }

    /** The paths' controllers, in path order (the order addresses were given or discovered). */
    public List<NvmeController> paths() {
        List<NvmeController> list = new ArrayList<>();
        for (SubsystemPath p : paths) {
            list.add(p.controller);
        }
        return list;
    }

    /** The I/O queues: as many as the path with the fewest has. */
    public List<MultipathQueue> ioQueues() {
        return List.of(queues);
    }

    public MultipathQueue ioQueue(int index) {
        return queues[index];
    }

    /** Identify Namespace through the first connected path (every path shows the same namespace). */
    public NamespaceInfo identifyNamespace(int nsid) {
        return livePath().identifyNamespace(nsid);
    }

    /** The active namespace IDs through the first connected path. */
    public List<Integer> activeNamespaces() {
        return livePath().activeNamespaces();
    }

    /**
     * The namespace's ANA state on a path as last learnt (an {@code AnaGroupDescriptor.STATE_*}
     * code, 0 when unknown or disconnected).
     */
    public int anaState(int path, int nsid) {
        return paths[path].state(nsid);
    }

    /** Reads every path's ANA log again soon, as an ANA change notice would. */
    public void refreshAnaStates() {
        for (SubsystemPath p : paths) {
            p.requestRefresh();
        }
    }

    /** I/Os issued on a path so far, across all queues (first issues and retries); for tests and reports. */
    public long issuedOn(int path) {
        long n = 0;
        for (MultipathQueue q : queues) {
            n += q.issuedOn(path);
        }
        return n;
    }

    /** I/Os that failed on a path and were issued again, across all queues. */
    public long failedOver() {
        long n = 0;
        for (MultipathQueue q : queues) {
            n += q.failedOver();
        }
        return n;
    }

    /** The longest time any failed-over I/O waited from its first path failure to completion. */
    public long longestPauseNanos() {
        long max = 0;
        for (MultipathQueue q : queues) {
            max = Math.max(max, q.longestPauseNanos());
        }
        return max;
    }

    /** I/Os failed because no path was usable for the configured time. */
    public long noPathFailures() {
        long n = 0;
        for (MultipathQueue q : queues) {
            n += q.noPathFailures();
        }
        return n;
    }

    private NvmeController livePath() {
        for (SubsystemPath p : paths) {
            if (p.controller.isLive()) {
                return p.controller;
            }
        }
        throw new NvmeTransportException("no path of " + subnqn + " is connected");
    }

    /** New ANA states were read: waiting I/Os look again at once instead of at their next tick. */
    private void kick() {
        for (MultipathQueue q : queues) {
            try {
                q.eventLoop().execute(q::retryWaiting);
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    /** Fails waiting I/Os, stops following ANA and closes every path's controller. */
    @Override
    public void close() {
        control.shutdownNow();
        for (SubsystemPath p : paths) {
            p.close();
        }
        for (MultipathQueue q : queues) {
            try {
                q.eventLoop().submit(() -> q.failWaiting("the multipath controller is closing"))
                        .awaitUninterruptibly(1000);
            } catch (RejectedExecutionException e) {
                // the loop is gone and the waiting I/Os with it
            }
        }
        for (SubsystemPath p : paths) {
            p.controller.close();
        }
    }

    @Override
    public String toString() {
        return "multipath " + subnqn + " over " + paths.length + " paths";
    }
}
