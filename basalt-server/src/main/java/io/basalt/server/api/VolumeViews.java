package io.basalt.server.api;

import io.basalt.api.model.SnapshotView;
import io.basalt.api.model.VolumeView;
import io.basalt.control.volume.Hosts;
import io.basalt.block.BlockStore;
import io.basalt.engine.pool.EngineBlockStore;
import io.basalt.engine.pool.VolumeUsage;
import io.basalt.nvmet.controller.Controller;
import io.basalt.volume.HostAccess;
import io.basalt.server.volume.Snapshots;
import io.basalt.server.volume.SpaceUse;
import io.basalt.server.volume.Volume;
import io.basalt.control.volume.VolumeMetadata;
import io.basalt.server.volume.VolumeState;
import io.basalt.volume.HostAccess;
import io.basalt.volume.IoCounters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The brick's volumes and snapshots as the API shows them: the one place that reads the engine's
 * usage figures, the exported volume's I/O counters and the target's controllers for a view, so the
 * service that handles requests need not know those layers.
 */
final class VolumeViews {
    private VolumeViews() {
    }

    static VolumeView view(Volume v, List<TargetStatus.HostConnection> connections, List<String> warnings) {
        VolumeMetadata m = v.metadata();
        boolean online = v.state() == VolumeState.ONLINE;
        SpaceUse space = online ? SpaceUse.of(v.store()) : SpaceUse.NONE;
        VolumeView.Usage usage = new VolumeView.Usage(space.mappedBytes(), space.physicalBytes(),
                space.compressionRatio(), space.dedupRatio());
        IoCounters io = v.counters();
        VolumeView.Stats stats = io == null ? new VolumeView.Stats(0, 0, 0, 0, 0, 0)
                : new VolumeView.Stats(io.readCommands(), io.writeCommands(), io.bytesRead(), io.bytesWritten(),
                io.errors(), io.throttledCommands());
        List<VolumeView.ConnectedHost> connected = new ArrayList<>();
        if (online) {
            for (TargetStatus.HostConnection c : connections) {
                if (!c.shutDown() && m.hosts().allows(c.hostNqn())) {
                    connected.add(new VolumeView.ConnectedHost(HostAccess.describe(c.hostNqn()), c.cntlid(),
                            c.remoteAddress(), c.ioQueues()));
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

    private static byte[] nguid(VolumeMetadata m) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        b.putLong(m.uuid().getMostSignificantBits()).putLong(m.uuid().getLeastSignificantBits());
        return b.array();
    }

    static SnapshotView view(Snapshots.Snapshot s) {
        return new SnapshotView(s.name(), s.volume(), s.id(), s.capacityBytes(), s.blockSize(), s.mappedBytes(),
                Instant.ofEpochMilli(s.createdMillis()).toString());
    }
}
