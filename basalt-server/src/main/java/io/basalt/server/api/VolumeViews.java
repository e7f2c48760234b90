package io.basalt.server.api;

import io.basalt.api.model.SnapshotView;
import io.basalt.api.model.VolumeView;
import io.basalt.block.BlockStore;
import io.basalt.engine.pool.EngineBlockStore;
import io.basalt.engine.pool.VolumeUsage;
import io.basalt.nvmet.controller.Controller;
import io.basalt.nvmet.subsystem.HostAccess;
import io.basalt.control.volume.Hosts;
import io.basalt.server.volume.Snapshots;
import io.basalt.server.volume.Volume;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.server.volume.VolumeState;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * The brick's volumes and snapshots as the API shows them: the one place that reads the engine's
 * usage figures and the target's namespace counters and controllers for a view, so the service
 * that handles requests need not know those layers.
 */
final class VolumeViews {
    private VolumeViews() {
    }

    static VolumeView view(Volume v, List<Controller> controllers, List<String> warnings) {
        VolumeMetadata m = v.metadata();
        boolean online = v.state() == VolumeState.ONLINE;
        VolumeView.Usage usage = online ? usage(v.store()) : new VolumeView.Usage(0, 0, 1.0, 1.0);
        var ns = v.namespace();
        VolumeView.Stats stats = ns == null ? new VolumeView.Stats(0, 0, 0, 0, 0, 0)
                : new VolumeView.Stats(ns.readCommands(), ns.writeCommands(), ns.bytesRead(), ns.bytesWritten(),
                ns.errors(), ns.throttledCommands());
        List<VolumeView.ConnectedHost> connected = new ArrayList<>();
        if (online) {
            for (Controller c : controllers) {
                if (!c.isDiscovery() && !c.isShutDown() && m.hosts().allows(c.hostNqn())) {
                    connected.add(new VolumeView.ConnectedHost(HostAccess.describe(c.hostNqn()), c.cntlid(),
                            Objects.toString(c.remoteAddress(), null), c.ioQueueCount()));
                }
            }
        }
        List<String> hosts = m.hosts().isAny() ? List.of(Hosts.ANY) : m.hosts().hosts().stream().sorted().toList();
        return new VolumeView(m.name(), m.uuid().toString(), HexFormat.of().formatHex(nguid(m)), m.nsid(),
                online ? "online" : "offline", m.sizeBytes(), m.blockSize(), m.backend().label(), hosts, m.labels(),
                m.qosPolicy(), new VolumeView.Services(m.services().compression(), m.services().dedup(),
                        m.services().encryption() ? "aes-xts" : "off"), usage, stats, connected,
                m.createdMillis() == 0 ? null : Instant.ofEpochMilli(m.createdMillis()).toString(),
                m.isSnapshotExport(), warnings, null);
    }

    /**
     * A cluster volume this brick holds no replica of: its spec, with no usage or counters (the
     * bricks that hold it know those), {@code online} when its primary brick is active.
     */
    static VolumeView remote(VolumeMetadata m, boolean online) {
        VolumeView offline = view(new Volume(m, VolumeState.OFFLINE, null, null), List.of(), List.of());
        return new VolumeView(offline.name(), offline.uuid(), offline.nguid(), offline.nsid(),
                online ? "online" : "offline", offline.sizeBytes(), offline.blockSize(), offline.backend(),
                offline.hosts(), offline.labels(), offline.qosPolicy(), offline.services(), offline.usage(),
                offline.stats(), offline.connectedHosts(), offline.createdAt(), offline.readOnly(), offline.warnings(),
                null);
    }

    /** Space use as the store knows it; the engine reports data reduction, other stores none. */
    private static VolumeView.Usage usage(BlockStore store) {
        if (store instanceof EngineBlockStore e) {
            VolumeUsage u = e.usage();
            return new VolumeView.Usage(u.mappedBytes(), u.physicalBytes(), u.compressionRatio(), u.dedupRatio());
        }
        long allocated = Math.max(0, store.allocatedBytes());
        return new VolumeView.Usage(allocated, allocated, 1.0, 1.0);
    }

    private static byte[] nguid(VolumeMetadata m) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        b.putLong(m.uuid().getMostSignificantBits()).putLong(m.uuid().getLeastSignificantBits());
        return b.array();
    }

    static SnapshotView view(Snapshots.Snapshot s) {
        var i = s.info();
        return new SnapshotView(i.name(), s.volume(), i.id(), i.capacityBytes(), i.blockSize(), i.mappedBytes(),
                Instant.ofEpochMilli(i.createdMillis()).toString());
    }
}
