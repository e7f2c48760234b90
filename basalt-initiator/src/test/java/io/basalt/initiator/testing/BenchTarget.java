package io.basalt.initiator.testing;

import io.basalt.engine.ram.RamBlockStore;
import io.basalt.nvmet.NvmeTcpTarget;
import io.basalt.nvmet.TargetConfig;
import io.basalt.volume.HostAccess;
import io.basalt.nvmet.subsystem.Namespace;
import io.basalt.nvmet.subsystem.Subsystem;
import io.basalt.volume.Volume;

import java.net.InetSocketAddress;
import java.util.UUID;

/**
 * The target side of docs/benchmarks.md until {@code basalt serve} can do it: NSID 1, a RAM
 * namespace (default 1 GiB, 512-byte blocks) open to any host on 127.0.0.1:4420.
 * Arguments: [port] [size in MiB] [block size]; system properties basalt.ioThreads and basalt.busyPoll.
 */
public final class BenchTarget {
    public static final String NQN = "nqn.2026-01.io.basalt:bench";

    private BenchTarget() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 4420;
        long size = (args.length > 1 ? Long.parseLong(args[1]) : 1024) << 20;
        int block = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        Subsystem s = new Subsystem(NQN, "BENCH0001", "Basalt", "0.1.0");
        s.addNamespace(new Namespace(new Volume(1, "bench", UUID.nameUUIDFromBytes(new byte[] {1}),
                new RamBlockStore(size, block), HostAccess.any())));
        // -Dbasalt.ioThreads=N and -Dbasalt.busyPoll=true choose the target's event loops.
        TargetConfig config = TargetConfig.of(new InetSocketAddress("127.0.0.1", port), null)
                .withEventLoops(Integer.getInteger("basalt.ioThreads", 0), Boolean.getBoolean("basalt.busyPoll"));
        try (NvmeTcpTarget t = new NvmeTcpTarget(config, s)) {
            t.start();
            System.out.println("bench target " + NQN + " on 127.0.0.1:" + port);
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
