package io.basalt.nvmet.testing;

import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.nvmet.TargetConfig;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.MultipathConfig;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.volume.Volume;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.UUID;

/**
 * A small subsystem for tests: NSID 1 (1 MiB, 512-byte blocks) open to HOST, NSID 2 open to OTHER.
 * The cluster variant is one path of a multi-brick subsystem: an ANA group per namespace, NSIDs 1,
 * 3 and 5 open to HOST and 2 to OTHER, controller IDs 100..199, port ID 7.
 */
public final class Fixtures {
    public static final String SUBNQN = "nqn.2026-01.io.basalt:test";
    public static final String HOST = "nqn.2014-08.org.example:host";
    public static final String OTHER = "nqn.2014-08.org.example:other";
    public static final String STRANGER = "nqn.2014-08.org.example:stranger";
    public static final int BLOCK = 512;
    public static final long BLOCKS = 2048;

    private Fixtures() {
    }

    public static Subsystem subsystem() {
        Subsystem s = new Subsystem(SUBNQN, "SN1", "Basalt", "0.1.0");
        s.addNamespace(new Namespace(new Volume(1, "one", UUID.nameUUIDFromBytes(new byte[] {1}),
                new MemoryBlockStore(BLOCKS * BLOCK, BLOCK), HostAccess.of(Set.of(HOST)))));
        s.addNamespace(new Namespace(new Volume(2, "two", UUID.nameUUIDFromBytes(new byte[] {2}),
                new MemoryBlockStore(BLOCKS * BLOCK, BLOCK), HostAccess.of(Set.of(OTHER)))));
        return s;
    }

    public static final int CLUSTER_ANATT = 12;
    public static final int CLUSTER_MIN_CNTLID = 100;
    public static final int CLUSTER_MAX_CNTLID = 199;
    public static final int CLUSTER_PORT_ID = 7;

    public static Subsystem clusterSubsystem() {
        Subsystem s = new Subsystem(SUBNQN, "SN1", "Basalt", "0.1.0",
                MultipathConfig.groupPerNamespace(CLUSTER_ANATT));
        for (int nsid : new int[] {1, 2, 3, 5}) {
            s.addNamespace(new Namespace(new Volume(nsid, "ns" + nsid, UUID.nameUUIDFromBytes(new byte[] {(byte) nsid}),
                    new MemoryBlockStore(BLOCKS * BLOCK, BLOCK), HostAccess.of(Set.of(nsid == 2 ? OTHER : HOST)))));
        }
        return s;
    }

    public static TargetConfig clusterConfig() {
        return config().withPath(CLUSTER_MIN_CNTLID, CLUSTER_MAX_CNTLID, CLUSTER_PORT_ID);
    }

    public static ControllerRegistry clusterRegistry() {
        return new ControllerRegistry(clusterSubsystem(), clusterConfig());
    }

    public static TargetConfig config() {
        return TargetConfig.of(new InetSocketAddress("127.0.0.1", 4420), null);
    }

    public static ControllerRegistry registry() {
        return new ControllerRegistry(subsystem(), config());
    }
}
