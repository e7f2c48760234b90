package io.basalt.initiator.bench;

import io.basalt.initiator.BlockQueue;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeController;
import io.basalt.initiator.NvmeTcpInitiator;
import io.basalt.initiator.multipath.MultipathController;
import io.basalt.initiator.multipath.MultipathSettings;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a bench run drives: one controller, or with multipath every path of the subsystem. Either
 * way the workers see a list of {@link BlockQueue}s.
 */
final class BenchConnection implements AutoCloseable {
    private final NvmeController single;
    private final MultipathController multipath;
    private final List<? extends BlockQueue> queues;

    private BenchConnection(NvmeController single, MultipathController multipath) {
        this.single = single;
        this.multipath = multipath;
        this.queues = single != null ? single.ioQueues() : multipath.ioQueues();
    }

    static BenchConnection open(NvmeTcpInitiator initiator, BenchSettings s) {
        if (!s.multipath()) {
            return new BenchConnection(initiator.connect(s.target(), s.nqn()), null);
        }
        MultipathSettings settings = MultipathSettings.defaults().withNoPathTimeoutMillis(s.noPathTimeoutMillis());
        return new BenchConnection(null, s.discover() != null
                ? MultipathController.discover(initiator, s.discover(), s.nqn(), settings)
                : MultipathController.connect(initiator, s.paths(), s.nqn(), settings));
    }

    List<? extends BlockQueue> queues() {
        return queues;
    }

    NamespaceInfo identifyNamespace(int nsid) {
        return single != null ? single.identifyNamespace(nsid) : multipath.identifyNamespace(nsid);
    }

    List<Integer> activeNamespaces() {
        return single != null ? single.activeNamespaces() : multipath.activeNamespaces();
    }

    /** The multipath controller, or null for a single path. */
    MultipathController multipath() {
        return multipath;
    }

    /** For the run's first line: the paths connected, or nothing for one path. */
    String describePaths() {
        if (multipath == null) {
            return "";
        }
        return " paths=" + multipath.paths().stream()
                .map(c -> c.address().getHostString() + ":" + c.address().getPort())
                .collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        if (single != null) {
            single.close();
        } else {
            multipath.close();
        }
    }
}
