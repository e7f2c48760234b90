package io.basalt.replication.server;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.replication.EpochFence;
import io.basalt.replication.ReplicaLink;
import io.basalt.replication.ReplicaVolume;
import io.basalt.replication.client.ClientSettings;
import io.basalt.replication.client.ReplicationClient;
import io.basalt.replication.testing.HeldStore;
import io.basalt.replication.testing.Poll;
import io.basalt.replication.testing.RecordingIo;
import io.basalt.replication.wire.Hello;
import io.basalt.replication.wire.RequestHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicationServerTest {
    private static final int BLOCK = 4096;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final UUID VOLUME = UUID.fromString("0b7f3f8e-52a3-4c55-8f0e-6d2b9a1e4c70");
    private static final UUID OTHER = UUID.fromString("0b7f3f8e-52a3-4c55-8f0e-6d2b9a1e4c71");

    private final EpochFence fence = new EpochFence(5);
    private final HeldStore store = new HeldStore(new MemoryBlockStore(1 << 20, BLOCK));
    private ReplicationServer server;
    private ReplicationClient client;

    @BeforeEach
    void start() {
        server = new ReplicationServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                v -> v.equals(VOLUME) ? new ReplicaVolume(store, fence) : null);
        client = new ReplicationClient(server.address(), ClientSettings.defaults());
        assertThat(Poll.until(client::connected, WAIT)).isTrue();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        store.close();
    }

    @Test
    void shouldBindAFreePortWhenAskedForPortZero() {
        assertThat(server.port()).isPositive();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void shouldRefuseAnOlderEpochWithoutTouchingTheStoreAndLearnANewerOne() throws Exception {
        ReplicaLink link = client.link("b", VOLUME);
        assertThat(write(link, 4)).as("epoch 4 < 5").isEqualTo(IoStatus.PATH_UNAVAILABLE);
        assertThat(store.submitted()).as("store untouched").isZero();

        assertThat(write(link, 7)).isEqualTo(IoStatus.OK);
        assertThat(fence.current()).as("the newer epoch raised the fence").isEqualTo(7);
        assertThat(store.submitted()).isEqualTo(1);

        assertThat(write(link, 5)).as("5 is now deposed").isEqualTo(IoStatus.PATH_UNAVAILABLE);
        assertThat(store.submitted()).isEqualTo(1);
    }

    @Test
    void shouldAnswerAnUnknownVolumeWithAnErrorAndKeepServing() throws Exception {
        assertThat(write(client.link("b", OTHER), 5)).isEqualTo(IoStatus.INTERNAL_ERROR);
        assertThat(write(client.link("b", VOLUME), 5)).isEqualTo(IoStatus.OK);
    }

    @Test
    void shouldAnswerAnOperationOutsideTheVolumeWithAnErrorWithoutTouchingTheStore() throws Exception {
        ReplicaLink link = client.link("b", VOLUME);
        RecordingIo past = new RecordingIo(BlockIo.OP_WRITE, 1 << 20, BLOCK, Unpooled.buffer(BLOCK).writeZero(BLOCK));
        link.submit(past, 5);
        assertThat(past.await(WAIT)).isEqualTo(IoStatus.INTERNAL_ERROR);
        RecordingIo unaligned = new RecordingIo(BlockIo.OP_READ, 100, BLOCK, Unpooled.buffer(BLOCK));
        link.submit(unaligned, 5);
        assertThat(unaligned.await(WAIT)).isEqualTo(IoStatus.INTERNAL_ERROR);
        ByteBuf ranges = Unpooled.buffer().writeLong(0).writeLong(BLOCK).writeLong(1 << 20).writeLong(BLOCK);
        RecordingIo dealloc = new RecordingIo(BlockIo.OP_DEALLOCATE, 0, 2, ranges);
        link.submit(dealloc, 5);
        assertThat(dealloc.await(WAIT)).isEqualTo(IoStatus.INTERNAL_ERROR);
        assertThat(store.submitted()).isZero();
    }

    @Test
    void shouldCloseOnlyTheConnectionThatSentAMalformedFrame() throws Exception {
        ReplicaLink link = client.link("b", VOLUME);
        for (int op : new int[]{9, RequestHeader.OP_WRITE}) {
            try (Socket bad = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                bad.setSoTimeout((int) WAIT.toMillis());
                ByteBuf b = Unpooled.buffer();
                Hello.write(b);
                // op 9 is unknown; a write of 2 GiB is over the bound
                RequestHeader.write(b, op, 0, 1, 0, 0, 5, 0, op == 9 ? 0 : Integer.MAX_VALUE);
                bad.getOutputStream().write(b.array(), 0, b.readableBytes());
                assertThat(readUntilClosed(bad.getInputStream())).as("the server's hello, then the end")
                        .isEqualTo(Hello.LENGTH);
            }
            assertThat(write(link, 5)).as("the other connection still works").isEqualTo(IoStatus.OK);
        }
    }

    @Test
    void shouldAnswerWhatTheStoreCompletesLaterAndStopReadingPastTheCap() throws Exception {
        server.close();
        client.close();
        server = new ReplicationServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                v -> new ReplicaVolume(store, fence), 1, 4);
        client = new ReplicationClient(server.address(), ClientSettings.defaults());
        assertThat(Poll.until(client::connected, WAIT)).isTrue();
        ReplicaLink link = client.link("b", VOLUME);
        store.hold();
        RecordingIo[] ios = new RecordingIo[64];
        for (int i = 0; i < ios.length; i++) {
            ios[i] = new RecordingIo(BlockIo.OP_WRITE, (long) i * BLOCK, BLOCK, Unpooled.buffer(BLOCK).writeZero(BLOCK));
            link.submit(ios[i], 5);
        }
        assertThat(Poll.until(() -> store.held() >= 4, WAIT)).isTrue();
        assertThat(store.held()).as("the cap of 4 stops reading (frames already read still go in)").isLessThan(64);
        store.release();
        for (RecordingIo io : ios) {
            // Each release lets the server read again; release whatever arrives meanwhile.
            assertThat(Poll.until(() -> {
                store.release();
                return io.isDone();
            }, WAIT)).isTrue();
            assertThat(io.status()).isEqualTo(IoStatus.OK);
        }
    }

    @Test
    void shouldAnswerInTheOrderTheStoreCompletes() throws Exception {
        ReplicaLink link = client.link("b", VOLUME);
        store.hold();
        RecordingIo first = new RecordingIo(BlockIo.OP_WRITE, 0, BLOCK, Unpooled.buffer(BLOCK).writeZero(BLOCK));
        RecordingIo second = new RecordingIo(BlockIo.OP_READ, BLOCK, BLOCK, Unpooled.buffer(BLOCK));
        link.submit(first, 5);
        link.submit(second, 5);
        assertThat(Poll.until(() -> store.held() == 2, WAIT)).isTrue();
        store.releaseNewest();
        assertThat(second.await(WAIT)).isEqualTo(IoStatus.OK);
        assertThat(first.isDone()).as("still in the store").isFalse();
        store.release();
        assertThat(first.await(WAIT)).isEqualTo(IoStatus.OK);
    }

    @Test
    void shouldWaitOnCloseForWhatIsInTheStore() throws Exception {
        ReplicaLink link = client.link("b", VOLUME);
        store.hold();
        RecordingIo io = new RecordingIo(BlockIo.OP_WRITE, 0, BLOCK, Unpooled.buffer(BLOCK).writeZero(BLOCK));
        link.submit(io, 5);
        assertThat(Poll.until(() -> store.held() == 1, WAIT)).isTrue();
        java.util.concurrent.CompletableFuture<Void> closing =
                java.util.concurrent.CompletableFuture.runAsync(server::close);
        assertThatThrownBy(() -> closing.get(200, java.util.concurrent.TimeUnit.MILLISECONDS))
                .as("close waits while the store holds an operation")
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(io.await(WAIT)).as("its connection was closed").isEqualTo(IoStatus.WRITE_ERROR);
        store.release();
        closing.get(5, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static int readUntilClosed(InputStream in) throws IOException {
        int total = 0;
        byte[] b = new byte[256];
        for (int n; (n = in.read(b)) >= 0; ) {
            total += n;
        }
        return total;
    }

    private static int write(ReplicaLink link, long epoch) throws InterruptedException {
        RecordingIo io = new RecordingIo(BlockIo.OP_WRITE, 0, BLOCK, Unpooled.buffer(BLOCK).writeZero(BLOCK));
        link.submit(io, epoch);
        return io.await(WAIT);
    }

    @Test
    void shouldRefuseToBindAnAddressInUse() {
        assertThatThrownBy(() -> new ReplicationServer(server.address(), v -> null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot listen");
    }
}
