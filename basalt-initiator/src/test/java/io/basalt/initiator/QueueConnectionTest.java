package io.basalt.initiator;

import io.basalt.initiator.testing.FaultInjectingProxy;
import io.basalt.initiator.testing.InProcessTarget;
import io.basalt.nvme.tcp.PduFlags;
import io.basalt.nvme.tcp.PduType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static io.basalt.initiator.testing.FaultInjectingProxy.fixHeaderDigest;
import static io.basalt.initiator.testing.FaultInjectingProxy.le16;
import static io.basalt.initiator.testing.FaultInjectingProxy.le32;
import static io.basalt.initiator.testing.FaultInjectingProxy.putLe16;
import static io.basalt.initiator.testing.FaultInjectingProxy.putLe32;
import static io.basalt.initiator.testing.FaultInjectingProxy.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The host's checks on what a target sends, driven through a proxy that corrupts one PDU of I/O
 * queue 1 at a time: a fatal error fails the command with a transport error, sends H2CTermReq,
 * closes the connection and never hangs.
 */
class QueueConnectionTest {
    private InProcessTarget target;
    private FaultInjectingProxy proxy;
    private NvmeTcpInitiator initiator;
    private NvmeController controller;
    private NamespaceInfo ns;

    @BeforeEach
    void setUp() throws Exception {
        target = new InProcessTarget();
        proxy = new FaultInjectingProxy(target.address());
    }

    @AfterEach
    void tearDown() throws Exception {
        if (initiator != null) {
            initiator.close();
        }
        proxy.close();
        target.close();
    }

    private void connect(boolean headerDigest, boolean dataDigest, boolean sqFlowControlOff) {
        InitiatorConfig config = InitiatorConfig.builder().ioQueues(1).queueDepth(64).headerDigest(headerDigest)
                .dataDigest(dataDigest).disableSqFlowControl(sqFlowControlOff).commandTimeoutMillis(1000)
                .connectTimeoutMillis(3000).controllerLossTimeoutMillis(0).build();
        initiator = new NvmeTcpInitiator(config);
        controller = initiator.connect(proxy.address(), InProcessTarget.SUBNQN);
        ns = controller.identifyNamespace(1);
    }

    /** Applies {@code f} once, to the first PDU of {@code type} the target sends on I/O queue 1. */
    private void once(int pduType, Function<byte[], byte[]> f) {
        AtomicBoolean armed = new AtomicBoolean(true);
        proxy.fault((qid, pdu) -> qid == 1 && type(pdu) == pduType && armed.getAndSet(false) ? f.apply(pdu) : pdu);
    }

    private CompletableFuture<Void> read(int blocks, ByteBuf dst) {
        return controller.ioQueue(0).readAsync(ns, 0, blocks, dst).orTimeout(10, TimeUnit.SECONDS);
    }

    private void assertTerminated(CompletableFuture<?> command, String message) throws InterruptedException {
        assertThatThrownBy(command::join).isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(NvmeTransportException.class).hasMessageContaining(message);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        // Another queue of the controller may close before the proxy has framed the TermReq: wait for all three.
        while ((!controller.isFailed() || proxy.hostClosures() == 0
                || !proxy.hostPduTypes().contains(PduType.H2C_TERM_REQ)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(controller.isFailed()).isTrue();
        assertThat(proxy.hostPduTypes()).contains(PduType.H2C_TERM_REQ);
        assertThat(proxy.hostClosures()).isPositive();
    }

    private ByteBuf buffer(int length) {
        return PooledByteBufAllocator.DEFAULT.directBuffer(length);
    }

    @Test
    void shouldTerminateWhenThePduTypeIsOneOnlyAHostSends() throws Exception {
        connect(false, false, false);
        once(PduType.CAPSULE_RESP, pdu -> {
            pdu[0] = PduType.CAPSULE_CMD;
            return pdu;
        });
        ByteBuf dst = buffer(512);
        assertTerminated(read(1, dst), "PDU type 4");
        dst.release();
    }

    @Test
    void shouldTerminateWhenHlenIsWrong() throws Exception {
        connect(false, false, false);
        once(PduType.CAPSULE_RESP, pdu -> {
            pdu[2] = 20;
            return pdu;
        });
        ByteBuf dst = buffer(512);
        assertTerminated(read(1, dst), "HLEN 20");
        dst.release();
    }

    @Test
    void shouldTerminateWhenTheHeaderDigestIsWrong() throws Exception {
        connect(true, false, false);
        once(PduType.CAPSULE_RESP, pdu -> {
            pdu[24] ^= 0x01;
            return pdu;
        });
        ByteBuf dst = buffer(512);
        assertTerminated(read(1, dst), "wrong header digest");
        dst.release();
    }

    @Test
    void shouldFailOnlyTheCommandWhenTheDataDigestIsWrong() {
        connect(false, true, false);
        once(PduType.C2H_DATA, pdu -> {
            pdu[pdu.length - 1] ^= 0x01;
            return pdu;
        });
        ByteBuf dst = buffer(4096);
        assertThatThrownBy(() -> read(8, dst).join()).cause().isInstanceOf(NvmeTransportException.class)
                .hasMessageContaining("data digest mismatch");
        dst.clear();
        read(8, dst).join();
        assertThat(controller.isLive()).isTrue();
        dst.release();
    }

    @Test
    void shouldTerminateOnSuccessWithoutLast() throws Exception {
        connect(false, false, true);
        once(PduType.C2H_DATA, pdu -> {
            pdu[1] = (byte) ((pdu[1] & ~PduFlags.LAST_PDU) | PduFlags.SUCCESS);
            return pdu;
        });
        ByteBuf dst = buffer(4096);
        assertTerminated(read(8, dst), "SUCCESS without LAST_PDU");
        dst.release();
    }

    @Test
    void shouldTerminateOnSuccessWhenSqFlowControlIsOn() throws Exception {
        connect(false, false, false);
        once(PduType.C2H_DATA, pdu -> {
            pdu[1] |= PduFlags.SUCCESS;
            return pdu;
        });
        ByteBuf dst = buffer(4096);
        assertTerminated(read(8, dst), "SUCCESS on a queue with SQ flow control");
        dst.release();
    }

    @Test
    void shouldTerminateOnC2hDataAtANonContiguousOffset() throws Exception {
        connect(false, false, false);
        once(PduType.C2H_DATA, pdu -> {
            putLe32(pdu, 12, 512);
            return pdu;
        });
        ByteBuf dst = buffer(4096);
        assertTerminated(read(8, dst), "C2HData at offset 512");
        dst.release();
    }

    @Test
    void shouldTerminateOnC2hDataBeyondTheTransfer() throws Exception {
        connect(false, false, false);
        once(PduType.C2H_DATA, pdu -> {
            byte[] longer = new byte[pdu.length + 512];
            System.arraycopy(pdu, 0, longer, 0, pdu.length);
            putLe32(longer, 4, longer.length);
            putLe32(longer, 16, le32(pdu, 16) + 512);
            return longer;
        });
        ByteBuf dst = buffer(4096);
        assertTerminated(read(8, dst), "beyond the 4096-byte transfer");
        dst.release();
    }

    @Test
    void shouldTerminateOnAnR2tBeyondTheTransfer() throws Exception {
        connect(true, false, false);
        once(PduType.R2T, pdu -> {
            putLe32(pdu, 16, le32(pdu, 16) + 4096);
            return fixHeaderDigest(pdu);
        });
        ByteBuf src = buffer(64 * 1024).writeZero(64 * 1024);
        CompletableFuture<Void> w = controller.ioQueue(0).writeAsync(ns, 0, 128, src).orTimeout(10, TimeUnit.SECONDS);
        assertTerminated(w, "beyond the 65536-byte transfer");
        src.release();
    }

    @Test
    void shouldTerminateOnACapsuleRespForAnUnknownCommandId() throws Exception {
        connect(false, false, false);
        once(PduType.CAPSULE_RESP, pdu -> {
            putLe16(pdu, 8 + 12, le16(pdu, 8 + 12) ^ 0x0800);
            return pdu;
        });
        ByteBuf dst = buffer(512);
        assertTerminated(read(1, dst), "CapsuleResp for unknown command id");
        dst.release();
    }

    @Test
    void shouldTimeOutACommandTheTargetNeverAnswersAndKeepTheQueue() {
        connect(false, false, false);
        once(PduType.CAPSULE_RESP, pdu -> null);
        ByteBuf dst = buffer(512);
        long start = System.nanoTime();
        assertThatThrownBy(() -> read(1, dst).join()).cause().isInstanceOf(NvmeTimeoutException.class)
                .hasMessageContaining("not completed within 1000 ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(900L, 5000L);
        dst.clear();
        read(1, dst).join();
        assertThat(controller.isLive()).isTrue();
        dst.release();
    }

    @Test
    void shouldRefuseAnIcRespWithASmallMaxH2cData() {
        proxy.fault((qid, pdu) -> {
            if (type(pdu) == PduType.IC_RESP) {
                putLe32(pdu, 12, 1000);
            }
            return pdu;
        });
        assertThatThrownBy(() -> connect(false, false, false)).isInstanceOf(NvmeTransportException.class)
                .hasMessageContaining("MAXH2CDATA 1000");
    }

    @Test
    void shouldRefuseAnIcRespWithCpda() {
        proxy.fault((qid, pdu) -> {
            if (type(pdu) == PduType.IC_RESP) {
                pdu[10] = 1;
            }
            return pdu;
        });
        assertThatThrownBy(() -> connect(false, false, false)).isInstanceOf(NvmeTransportException.class)
                .hasMessageContaining("CPDA 1");
    }

    @Test
    void shouldRefuseAnIcRespThatDoesNotEchoTheDigests() {
        proxy.fault((qid, pdu) -> {
            if (type(pdu) == PduType.IC_RESP) {
                pdu[11] = 0;
            }
            return pdu;
        });
        assertThatThrownBy(() -> connect(true, true, false)).isInstanceOf(NvmeTransportException.class)
                .hasMessageContaining("ICResp digests 0 differ from the 3 asked for");
    }

    @Test
    void shouldTimeOutWhenNoIcRespComes() {
        proxy.fault((qid, pdu) -> type(pdu) == PduType.IC_RESP ? null : pdu);
        long start = System.nanoTime();
        assertThatThrownBy(() -> connect(false, false, false)).isInstanceOf(NvmeTransportException.class)
                .hasMessageContaining("no ICResp");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(8000L);
    }

    @Test
    void shouldSplitH2cDataByMaxH2cDataAndReadItBack() {
        connect(false, false, false);
        ByteBuf src = buffer(512 * 1024);
        for (int i = 0; i < 512 * 1024 / 4; i++) {
            src.writeInt(i * 2654435761L > 0 ? i * 31 : i);
        }
        ByteBuf dst = buffer(512 * 1024);
        controller.ioQueue(0).writeAsync(ns, 0, 1024, src).join();
        read(1024, dst).join();
        assertThat(ByteBufUtil.equals(src, dst)).isTrue();
        long h2c = proxy.hostPduTypes().stream().filter(t -> t == PduType.H2C_DATA).count();
        assertThat(h2c).isEqualTo(4); // 512 KiB in 128 KiB PDUs
        src.release();
        dst.release();
    }
}
