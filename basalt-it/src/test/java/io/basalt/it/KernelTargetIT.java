package io.basalt.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.initiator.AbstractInitiatorContractTest;
import io.basalt.initiator.DiscoveryEntry;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeController;
import io.basalt.initiator.NvmeStatusException;
import io.basalt.nvme.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The initiator contract ({@link AbstractInitiatorContractTest}, the same assertions as
 * {@code BasaltTargetContractTest}) against the Linux kernel's own NVMe/TCP target, nvmet-tcp, in a
 * qemu guest ({@link KernelTarget}, {@code src/test/guest/kernel-target.sh}): one subsystem open to
 * any host, namespace 1 a 64 MiB RAM disk, an I/O port and a discovery port, both forwarded to
 * 127.0.0.1 here. One guest boot per kernel serves every test; "restart the target" is nvmet
 * dropping every controller and listening again ({@link KernelTarget#dropConnections()}).
 *
 * <p>Both kernels of the interop suite, Debian's 6.1 and 6.12: nvmet-tcp changed a good deal between
 * them (TLS support arrived in 6.7, for one), and a boot plus the whole suite takes only about 15 s
 * per kernel on the 2-core build machine, far inside the budget of a few minutes each. The guest's
 * time limit is {@link #GUEST_LIMIT}; {@code -Dbasalt.it.kernels=6.12} runs one kernel only.
 *
 * <p>Where nvmet legitimately differs from Basalt's target, the test is overridden below with the
 * kernel's expected behaviour and the reason: the discovery log is per port, there is no maximum
 * transfer size, and a read past the end completes with Internal Error. Everything else, including
 * the SUCCESS-flag reads (nvmet sets SUCCESS whenever SQ flow control is disabled), is unchanged.
 */
@ParameterizedClass(name = "Linux {0} target")
@MethodSource("kernels")
@Timeout(value = 60, unit = TimeUnit.SECONDS)   // a backstop per test: every wait inside is bounded
class KernelTargetIT extends AbstractInitiatorContractTest {

    static final String KERNELS_PROP_NAME = "basalt.it.kernels";
    /** Boot, every test and shutdown; together they usually take about 15 s. */
    static final Duration GUEST_LIMIT = Duration.ofSeconds(240);

    private static KernelTarget target;

    /** The kernel of this invocation (the guest is booted once for it, before its tests). */
    @Parameter
    String kernel;

    /** {@link LinuxGuest#KERNELS}, or those named in {@code -Dbasalt.it.kernels=6.12,...}. */
    static List<String> kernels() {
        String only = System.getProperty(KERNELS_PROP_NAME, "");
        return only.isBlank() ? LinuxGuest.KERNELS : Arrays.stream(only.split(",")).map(String::trim).toList();
    }

    @BeforeParameterizedClassInvocation
    static void startKernelTarget(String kernel) throws Exception {
        target = KernelTarget.start(kernel, GUEST_LIMIT);
    }

    @AfterParameterizedClassInvocation
    static void stopKernelTarget() throws Exception {
        KernelTarget t = target;
        target = null;
        if (t == null) {
            return;
        }
        try {
            assertThat(t.stop()).as("the guest script's exit status (nvmet kept working to the end)").isZero();
        } finally {
            t.close();
        }
    }

    @Override
    protected InetSocketAddress ioAddress() {
        return target.ioAddress();
    }

    @Override
    protected InetSocketAddress discoveryAddress() {
        return target.discoveryAddress();
    }

    @Override
    protected String subsystemNqn() {
        return KernelTarget.NQN;
    }

    @Override
    protected void dropConnectionsAndRestart() throws Exception {
        target.dropConnections();
    }

    // ---- where nvmet legitimately differs from Basalt's target ----------------------------------

    /**
     * nvmet has no discovery-only port: every port answers the discovery NQN, and its log lists the
     * subsystems linked to the port asked, each at that port's own address
     * ({@code nvmet_execute_disc_get_log_page} formats every entry with {@code req->port}), after an
     * entry for the discovery subsystem itself. So the contract's assertion holds on the I/O port,
     * and the discovery port lists the subsystem at the discovery port, where it is linked as well.
     */
    @Test
    @Override
    protected void shouldFindTheSubsystemInTheDiscoveryLog() {
        assertThat(initiator.discover(ioAddress()).entries()).anySatisfy(subsystemAt(ioAddress().getPort()));
        assertThat(initiator.discover(discoveryAddress()).entries())
                .anySatisfy(subsystemAt(discoveryAddress().getPort()));
    }

    private Consumer<DiscoveryEntry> subsystemAt(int port) {
        return e -> {
            assertThat(e.subnqn()).isEqualTo(subsystemNqn());
            assertThat(e.trtype()).isEqualTo(DiscoveryEntry.TRTYPE_TCP);
            assertThat(e.subtype()).isEqualTo(DiscoveryEntry.SUBTYPE_NVM);
            assertThat(e.port()).isEqualTo(port);
        };
    }

    /**
     * nvmet does not check the LBA range of a Read or Write itself. The block layer refuses the bio
     * beyond the end of the device ({@code bio_check_eod}: -EIO, BLK_STS_IOERR) and nvmet's
     * {@code blk_to_nvme_status} turns that into Internal Error with DNR, not LBA Out of Range. (A
     * file-backed namespace would answer Capacity Exceeded, from -ENOSPC.) The rest is the contract:
     * a status exception naming the command and the status, no data, the queue usable afterwards.
     */
    @Test
    @Override
    protected void shouldFailWithTheNvmeStatusWhenTheLbaIsOutOfRange() {
        try (NvmeController c = connect(config().build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(ns.blockSize());
            try {
                assertThatThrownBy(() -> join(c.ioQueue(0).readAsync(ns, ns.size(), 1, dst)))
                        .isInstanceOf(CompletionException.class)
                        .cause().isInstanceOfSatisfying(NvmeStatusException.class, e -> {
                            assertThat(e.status() & 0x7FF).isEqualTo(Status.INTERNAL_ERROR);
                            assertThat(e.doNotRetry()).isTrue();
                            assertThat(e.statusName()).startsWith("INTERNAL_ERROR");
                            assertThat(e.getMessage()).contains("Read", "INTERNAL_ERROR");
                        });
                assertThat(dst.writerIndex()).isZero();
                join(c.ioQueue(0).readAsync(ns, 0, 1, dst));
            } finally {
                dst.release();
            }
        }
    }

    /**
     * nvmet-tcp reports no maximum transfer size (MDTS 0: it has no {@code get_mdts}), so nothing is
     * refused for size but the 16-bit block count of the command itself. Instead: a transfer twice
     * Basalt's limit (2 MiB) goes through both ways, and 65537 blocks are refused before sending.
     */
    @Test
    @Override
    protected void shouldRefuseATransferLargerThanMdts() {
        try (NvmeController c = connect(config().build())) {
            NamespaceInfo ns = c.identifyNamespace(nsid());
            assertThat(c.info().mdts()).as("MDTS").isZero();
            assertThat(c.info().maxTransferSize()).isEqualTo(Integer.MAX_VALUE);

            int length = 2 << 20;
            int blocks = length / ns.blockSize();
            long lba = (16L << 20) / ns.blockSize();   // clear of what the other tests write
            ByteBuf src = random(length, 2);
            ByteBuf dst = PooledByteBufAllocator.DEFAULT.directBuffer(length);
            try {
                join(c.ioQueue(0).writeAsync(ns, lba, blocks, src));
                join(c.ioQueue(1).readAsync(ns, lba, blocks, dst));
                assertThat(ByteBufUtil.equals(src, dst)).isTrue();
                assertThatThrownBy(() -> c.ioQueue(0).read(ns, 0, 65537, dst, (f, r) -> { }))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("block count");
            } finally {
                src.release();
                dst.release();
            }
        }
    }
}
