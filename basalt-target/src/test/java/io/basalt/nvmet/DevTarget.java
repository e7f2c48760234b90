package io.basalt.nvmet;

import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.volume.Volume;

import java.net.InetSocketAddress;
import java.util.UUID;

/** A target with one RAM namespace open to any host, for poking at by hand during development. */
public final class DevTarget {
    private DevTarget() {
    }

    public static void main(String[] args) throws Exception {
        Subsystem s = new Subsystem("nqn.2026-01.io.basalt:dev", "DEV0001", "Basalt", "0.1.0");
        s.addNamespace(new Namespace(new Volume(1, "dev", UUID.nameUUIDFromBytes(new byte[] {1}),
                new MemoryBlockStore(256L << 20, 512), HostAccess.any())));
        try (NvmeTcpTarget t = new NvmeTcpTarget(TargetConfig.of(new InetSocketAddress("127.0.0.1", 4420),
                new InetSocketAddress("127.0.0.1", 8009)), s)) {
            t.start();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
