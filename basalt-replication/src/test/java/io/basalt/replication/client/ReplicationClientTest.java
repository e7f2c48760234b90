package io.basalt.replication.client;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.replication.EpochFence;
import io.basalt.replication.ReplicaLink;
import io.basalt.replication.ReplicaVolume;
import io.basalt.replication.server.ReplicationServer;
import io.basalt.replication.testing.HeldStore;
import io.basalt.replication.testing.Poll;
import io.basalt.replication.testing.RecordingIo;
import io.basalt.replication.wire.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationClientTest {
    private static final int BLOCK = 4096;
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final UUID VOLUME = UUID.fromString("6a1c8e2e-7d0e-4b8e-9a61-3f1f2b9d0c11");
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private final List<AutoCloseable> resources = new ArrayList<>();
    private final EpochFence fence = new EpochFence(3);
    private HeldStore store;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable r : resources.reversed()) {
            r.close();
        }
    }

    private ReplicationServer server(int port) {
        if (store == null) {
            store = new HeldStore(new MemoryBlockStore(64L << 20, BLOCK));
        }
        HeldStore s = store;
        ReplicationServer server = new ReplicationServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                v -> v.equals(VOLUME) ? new ReplicaVolume(s, fence) : null);
        resources.add(server);
        return server;
    }

    private ReplicationClient client(InetSocketAddress address, ClientSettings settings) {
        ReplicationClient client = new ReplicationClient(address, settings);
        resources.add(client);
        return client;
    }

    private ReplicaLink connectedLink(ReplicationServer server, ClientSettings settings) {
        ReplicationClient client = client(server.address(), settings);
        ReplicaLink link = client.link("brick-b", VOLUME);
        assertThat(Poll.until(link::connected, WAIT)).as("connected").isTrue();
        return link;
    }

    @Test
    void shouldRoundTripEveryOpAndReadBackWhatWasWritten() throws Exception {
        ReplicaLink link = connectedLink(server(0), ClientSettings.defaults());
        assertThat(link.brick()).isEqualTo("brick-b");

        assertThat(submit(link, BlockIo.OP_WRITE, BLOCK, 4 * BLOCK, pattern(4 * BLOCK, 1), false)).isEqualTo(IoStatus.OK);
        assertThat(submit(link, BlockIo.OP_WRITE, 5 * BLOCK, BLOCK, pattern(BLOCK, 2), true)).as("FUA")
                .isEqualTo(IoStatus.OK);
        assertThat(read(link, BLOCK, 5 * BLOCK)).isEqualTo(concat(pattern(4 * BLOCK, 1), pattern(BLOCK, 2)));

        assertThat(submit(link, BlockIo.OP_WRITE_ZEROES, 2 * BLOCK, BLOCK, null, false)).isEqualTo(IoStatus.OK);
        ByteBuf ranges = Unpooled.buffer().writeLong(BLOCK).writeLong(BLOCK).writeLong(4 * BLOCK).writeLong(BLOCK);
        assertThat(submit(link, BlockIo.OP_DEALLOCATE, 0, 2, ranges, false)).isEqualTo(IoStatus.OK);
        assertThat(submit(link, BlockIo.OP_FLUSH, 0, 0, null, false)).isEqualTo(IoStatus.OK);

        byte[] expected = new byte[5 * BLOCK];
        // Blocks 1..5: 1 deallocated, 2 zeroed, 3 as written, 4 deallocated, 5 as written.
        System.arraycopy(pattern(4 * BLOCK, 1), 2 * BLOCK, expected, 2 * BLOCK, BLOCK);
        System.arraycopy(pattern(BLOCK, 2), 0, expected, 4 * BLOCK, BLOCK);
        assertThat(read(link, BLOCK, 5 * BLOCK)).isEqualTo(expected);
    }

    @Test
    void shouldLeaveTheCallersBufferAsItWas() throws Exception {
        ReplicaLink link = connectedLink(server(0), ClientSettings.defaults());
        ByteBuf data = Unpooled.wrappedBuffer(pattern(2 * BLOCK, 3)).readerIndex(BLOCK);
        assertThat(submit(link, BlockIo.OP_WRITE, 0, BLOCK, data, false)).isEqualTo(IoStatus.OK);
        assertThat(data.readerIndex()).isEqualTo(BLOCK);
        assertThat(read(link, 0, BLOCK)).as("sent from the reader index")
                .isEqualTo(java.util.Arrays.copyOfRange(pattern(2 * BLOCK, 3), BLOCK, 2 * BLOCK));
    }

    @Test
    void shouldFailEveryPendingIoExactlyOnceWhenTheServerDies() throws Exception {
        ReplicationServer server = server(0);
        ReplicaLink link = connectedLink(server, ClientSettings.defaults());
        store.hold();
        List<RecordingIo> ios = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RecordingIo io = i % 4 == 0 ? new RecordingIo(BlockIo.OP_READ, (long) i * BLOCK, BLOCK, Unpooled.buffer(BLOCK))
                    : new RecordingIo(BlockIo.OP_WRITE, (long) i * BLOCK, BLOCK, Unpooled.wrappedBuffer(pattern(BLOCK, i)));
            ios.add(io);
            link.submit(io, 3);
        }
        assertThat(Poll.until(() -> store.held() == 40, WAIT)).as("all in the store").isTrue();

        long killed = System.nanoTime();
        ExecutorService closer = Executors.newSingleThreadExecutor();
        Future<?> closing = closer.submit(server::close);
        for (RecordingIo io : ios) {
            int expected = io.op() == BlockIo.OP_READ ? IoStatus.READ_ERROR : IoStatus.WRITE_ERROR;
            assertThat(io.await(Duration.ofMillis(ClientSettings.TIMEOUT_MILLIS_DEFAULT))).isEqualTo(expected);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofMillis(ClientSettings.TIMEOUT_MILLIS_DEFAULT));
        store.release();
        closing.get(10, TimeUnit.SECONDS);
        closer.shutdown();
        assertThat(Poll.until(() -> !link.connected(), WAIT)).isTrue();
        for (RecordingIo io : ios) {
            assertThat(io.completions()).as("completed exactly once").isEqualTo(1);
        }
    }

    @Test
    void shouldTimeOutWhenTheBrickGreetsButNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> greetAndIgnore(silent));
            ReplicationClient client = client((InetSocketAddress) silent.getLocalSocketAddress(),
                    ClientSettings.defaults().withTimeoutMillis(300));
            ReplicaLink link = client.link("brick-b", VOLUME);
            assertThat(Poll.until(link::connected, WAIT)).isTrue();

            RecordingIo io = new RecordingIo(BlockIo.OP_WRITE, 0, BLOCK, Unpooled.wrappedBuffer(pattern(BLOCK, 1)));
            long sent = System.nanoTime();
            link.submit(io, 3);
            assertThat(io.await(WAIT)).isEqualTo(IoStatus.WRITE_ERROR);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
            assertThat(tookMillis).as("failed by the timeout, not before").isBetween(300L, 300L + 1000L);
            assertThat(io.completions()).isEqualTo(1);
            assertThat(Poll.until(() -> !link.connected(), WAIT)).as("a brick that answers nothing is disconnected")
                    .isTrue();
            acceptor.interrupt();
        }
    }

    @Test
    void shouldNotConnectToAPeerOfAnotherVersionAndFailSubmitsAtOnce() throws Exception {
        try (ServerSocket newer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            java.util.concurrent.CountDownLatch hungUp = new java.util.concurrent.CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try (Socket s = newer.accept(); OutputStream out = s.getOutputStream()) {
                    ByteBuf hello = Unpooled.buffer();
                    Hello.write(hello, Hello.MAGIC, Hello.VERSION + 1);
                    out.write(hello.array(), 0, hello.readableBytes());
                    while (s.getInputStream().read(new byte[64]) >= 0) {
                        // the client's hello; then its close
                    }
                    hungUp.countDown();
                } catch (IOException ignored) {
                    hungUp.countDown();
                }
            });
            ReplicationClient client = client((InetSocketAddress) newer.getLocalSocketAddress(), ClientSettings.defaults());
            ReplicaLink link = client.link("brick-b", VOLUME);
            assertThat(hungUp.await(5, TimeUnit.SECONDS)).as("the client hung up on the newer peer").isTrue();
            assertThat(link.connected()).isFalse();
            RecordingIo io = new RecordingIo(BlockIo.OP_WRITE, 0, BLOCK, Unpooled.wrappedBuffer(pattern(BLOCK, 1)));
            link.submit(io, 3);
            assertThat(io.isDone()).as("completed before submit returned").isTrue();
            assertThat(io.status()).isEqualTo(IoStatus.WRITE_ERROR);
        }
    }

    @Test
    void shouldReconnectWhenTheBrickReturns() throws Exception {
        ReplicationServer first = server(0);
        int port = first.port();
        ReplicaLink link = connectedLink(first, ClientSettings.defaults());
        first.close();
        assertThat(Poll.until(() -> !link.connected(), WAIT)).isTrue();
        assertThat(submit(link, BlockIo.OP_WRITE, 0, BLOCK, pattern(BLOCK, 1), false)).isEqualTo(IoStatus.WRITE_ERROR);

        server(port);
        assertThat(Poll.until(link::connected, WAIT)).as("reconnected").isTrue();
        assertThat(submit(link, BlockIo.OP_WRITE, 0, BLOCK, pattern(BLOCK, 4), false)).isEqualTo(IoStatus.OK);
        assertThat(read(link, 0, BLOCK)).isEqualTo(pattern(BLOCK, 4));
    }

    @Test
    void shouldFailSubmitsOnAClosedLinkButKeepTheBricksOtherLinks() throws Exception {
        ReplicationServer server = server(0);
        ReplicationClient client = client(server.address(), ClientSettings.defaults());
        ReplicaLink closed = client.link("brick-b", VOLUME);
        ReplicaLink open = client.link("brick-b", VOLUME);
        assertThat(Poll.until(open::connected, WAIT)).isTrue();
        closed.close();
        assertThat(closed.connected()).isFalse();
        assertThat(submit(closed, BlockIo.OP_FLUSH, 0, 0, null, false)).isEqualTo(IoStatus.WRITE_ERROR);
        assertThat(submit(open, BlockIo.OP_FLUSH, 0, 0, null, false)).isEqualTo(IoStatus.OK);
    }

    @Test
    void shouldKeepManyThreadsWritesApartUnderPipelining() throws Exception {
        ReplicaLink link = connectedLink(server(0), ClientSettings.defaults());
        int threads = 4;
        int perThread = 2000;
        int depth = 32;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<RecordingIo>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                Semaphore window = new Semaphore(depth);
                List<RecordingIo> ios = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    assertThat(window.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
                    int block = thread * perThread + i;
                    RecordingIo io = new RecordingIo(BlockIo.OP_WRITE, (long) block * BLOCK, BLOCK,
                            Unpooled.wrappedBuffer(pattern(BLOCK, block))).whenDone(window::release);
                    ios.add(io);
                    link.submit(io, 3);
                }
                return ios;
            }));
        }
        for (Future<List<RecordingIo>> r : results) {
            for (RecordingIo io : r.get(60, TimeUnit.SECONDS)) {
                assertThat(io.await(WAIT)).isEqualTo(IoStatus.OK);
                assertThat(io.completions()).isEqualTo(1);
            }
        }
        pool.shutdown();
        for (int block = 0; block < threads * perThread; block += 64) {
            byte[] got = read(link, (long) block * BLOCK, 64 * BLOCK);
            for (int i = 0; i < 64; i++) {
                assertThat(java.util.Arrays.copyOfRange(got, i * BLOCK, (i + 1) * BLOCK)).as("block %d", block + i)
                        .isEqualTo(pattern(BLOCK, block + i));
            }
        }
    }

    private static void greetAndIgnore(ServerSocket server) {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
            ByteBuf hello = Unpooled.buffer();
            Hello.write(hello);
            out.write(hello.array(), 0, hello.readableBytes());
            out.flush();
            // Read nothing and answer nothing until the test ends.
            Thread.sleep(Duration.ofSeconds(30));
        } catch (IOException | InterruptedException ignored) {
            // the test is over
        }
    }

    private static int submit(ReplicaLink link, int op, long offset, int length, Object data, boolean fua)
            throws InterruptedException {
        ByteBuf buffer = data instanceof byte[] bytes ? Unpooled.wrappedBuffer(bytes) : (ByteBuf) data;
        RecordingIo io = new RecordingIo(op, offset, length, buffer).reset(op, offset, length, buffer, fua);
        link.submit(io, 3);
        int status = io.await(WAIT);
        assertThat(io.completions()).isEqualTo(1);
        return status;
    }

    private static byte[] read(ReplicaLink link, long offset, int length) throws InterruptedException {
        ByteBuf into = Unpooled.buffer(length);
        assertThat(submit(link, BlockIo.OP_READ, offset, length, into, false)).isEqualTo(IoStatus.OK);
        byte[] bytes = new byte[into.readableBytes()];
        into.readBytes(bytes);
        return bytes;
    }

    static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed * 7);
        }
        // The seed itself at both ends of every block, so no two seeds' patterns are alike.
        for (int at = 0; at + 8 <= length; at += 512) {
            java.nio.ByteBuffer.wrap(b, at, 8).putInt(seed).putInt(~seed);
        }
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
