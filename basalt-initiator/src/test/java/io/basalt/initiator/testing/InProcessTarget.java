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
 * Basalt's own target in this JVM: NSID 1 is a RAM namespace open to any host. {@link #restart}
 * closes every connection and listens again on the same port with the same data.
 */
public final class InProcessTarget implements AutoCloseable {
    public static final String SUBNQN = "nqn.2026-01.io.basalt:initiator-test";
    public static final int BLOCK = 512;
    public static final long SIZE = 64L << 20;

    private final Subsystem subsystem;
    private NvmeTcpTarget target;
    private InetSocketAddress address;

    public InProcessTarget() throws InterruptedException {
        subsystem = new Subsystem(SUBNQN, "INIT0001", "Basalt", "0.1.0");
        subsystem.addNamespace(new Namespace(new Volume(1, "one", UUID.nameUUIDFromBytes(new byte[] {1}),
                new RamBlockStore(SIZE, BLOCK), HostAccess.any())));
        target = new NvmeTcpTarget(TargetConfig.of(new InetSocketAddress("127.0.0.1", 0), null), subsystem);
        target.start();
        address = target.ioAddress();
    }

    public InetSocketAddress address() {
        return address;
    }

    /** To add namespaces a test needs besides NSID 1. */
    public Subsystem subsystem() {
        return subsystem;
    }

    public NvmeTcpTarget target() {
        return target;
    }

    /** Drops every connection (the host sees its queues close) and serves again on the same port. */
    public void restart() throws InterruptedException {
        target.close();
        target = new NvmeTcpTarget(TargetConfig.of(address, null), subsystem);
        target.start();
    }

    @Override
    public void close() {
        target.close();
    }
}
