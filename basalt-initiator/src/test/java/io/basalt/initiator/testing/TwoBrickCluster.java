package io.basalt.initiator.testing;

import io.basalt.engine.ram.RamBlockStore;
import io.basalt.nvmet.NvmeTcpTarget;
import io.basalt.nvmet.TargetConfig;
import io.basalt.nvmet.subsystem.AnaState;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.MultipathConfig;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.PathAddress;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.volume.Volume;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;

/**
 * Two bricks serving one subsystem NQN over loopback, as a cluster does (see TwoPathSubsystemTest):
 * each its own target, controller ID range and port ID, NSID 1 on both with one identity, an ANA
 * group per namespace, and each listing the other in discovery. Both namespaces write to ONE RAM
 * store, standing in for the replication a cluster would do, so a failover finds every write.
 */
public final class TwoBrickCluster implements AutoCloseable {
    public static final String SUBNQN = "nqn.2026-01.io.basalt:multipath-test";
    public static final int BLOCK = 512;
    public static final long SIZE = 16L << 20;
    private static final UUID VOLUME = UUID.nameUUIDFromBytes("multipath-volume".getBytes());

    private final RamBlockStore store = new RamBlockStore(SIZE, BLOCK);
    private final NvmeTcpTarget[] bricks = new NvmeTcpTarget[2];
    private final Subsystem[] subsystems = new Subsystem[2];
    /** Kept past a brick's death: a host still has the dead address in its path list. */
    private final InetSocketAddress[] addresses = new InetSocketAddress[2];

    /** Brick 0 starts with NSID 1 in {@code first}, brick 1 in {@code second}. */
    public TwoBrickCluster(AnaState first, AnaState second) throws InterruptedException {
        subsystems[0] = subsystem(first);
        subsystems[1] = subsystem(second);
        bricks[0] = brick(0, new InetSocketAddress("127.0.0.1", 0));
        bricks[1] = brick(1, new InetSocketAddress("127.0.0.1", 0));
        addresses[0] = bricks[0].ioAddress();
        addresses[1] = bricks[1].ioAddress();
        bricks[0].subsystem().setPeerPaths(List.of(pathOf(1)));
        bricks[1].subsystem().setPeerPaths(List.of(pathOf(0)));
    }

    private Subsystem subsystem(AnaState state) {
        Subsystem s = new Subsystem(SUBNQN, "MPATH001", "Basalt", "0.1.0", MultipathConfig.groupPerNamespace(10));
        s.addNamespace(new Namespace(new Volume(1, "vol", VOLUME, store, HostAccess.any())), state);
        return s;
    }

    /** Brick {@code i}: controller IDs {@code 100i+1..100i+100}, port ID {@code i+1}. */
    private NvmeTcpTarget brick(int i, InetSocketAddress address) throws InterruptedException {
        NvmeTcpTarget t = new NvmeTcpTarget(TargetConfig.of(address, null).withEventLoops(1, false)
                .withPath(100 * i + 1, 100 * i + 100, i + 1), subsystems[i]);
        t.start();
        return t;
    }

    /** Serves a killed brick again on its old port, with its subsystem (and ANA states) as they were. */
    public void restart(int brick) throws InterruptedException {
        kill(brick);
        bricks[brick] = brick(brick, addresses[brick]);
    }

    private PathAddress pathOf(int brick) {
        InetSocketAddress a = addresses[brick];
        return new PathAddress(a.getAddress().getHostAddress(), a.getPort(), brick + 1);
    }

    public InetSocketAddress address(int brick) {
        return addresses[brick];
    }

    /** Both addresses as bench's --target takes them. */
    public String targets() {
        return "127.0.0.1:" + address(0).getPort() + ",127.0.0.1:" + address(1).getPort();
    }

    public void setAnaState(int brick, AnaState state) {
        subsystems[brick].setAnaState(1, state);
    }

    /** Bytes written to the shared store so far: shows that load is flowing. */
    public long allocatedBytes() {
        return store.allocatedBytes();
    }

    /** Stops a brick as a crash would look from the host: every connection drops, nothing listens. */
    public void kill(int brick) {
        if (bricks[brick] != null) {
            bricks[brick].close();
            bricks[brick] = null; // a target closes once
        }
    }

    @Override
    public void close() {
        kill(0);
        kill(1);
    }
}
