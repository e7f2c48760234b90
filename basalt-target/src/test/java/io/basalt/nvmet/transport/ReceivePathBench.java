package io.basalt.nvmet.transport;

import io.basalt.nvme.Opcodes;
import io.basalt.nvmet.controller.ControllerRegistry;
import io.basalt.nvmet.testing.Fixtures;
import io.basalt.nvmet.testing.Pdus;
import io.basalt.nvmet.testing.TestHost;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocalThread;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;

/**
 * The CPU a connection's event loop spends per write, from socket buffers to the store and the
 * response, measured on one thread in a {@link ConnectionHandler} of an {@link EmbeddedChannel}:
 * no syscalls, no scheduling, so it holds on a busy machine where network numbers do not. The
 * host's writes (in-capsule, random LBAs of the test namespace's 1 MiB) arrive as reads of
 * {@code READ} bytes cut without regard to PDU boundaries, as a loaded socket delivers them.
 * <pre>
 * java -cp "$(cat /tmp/target-cp.txt):basalt-target/target/classes:basalt-target/target/test-classes" \
 *     io.basalt.nvmet.transport.ReceivePathBench [WRITE_BYTES=4096] [READ_BYTES=65536] [WRITES=20000] [ROUNDS=16] [READS_PER_BATCH=1]
 * </pre>
 * Prints the CPU ns per write of each round and the median of the second half (the first warms the JIT up).
 */
public final class ReceivePathBench {
    private ReceivePathBench() {
    }

    public static void main(String[] args) throws InterruptedException {
        int writeBytes = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int readBytes = args.length > 1 ? Integer.parseInt(args[1]) : 65536;
        int writes = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 16;
        int readsPerBatch = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        ControllerRegistry registry = Fixtures.registry();
        TestHost admin = new TestHost(registry);
        int cntlid = admin.connectAndEnable(Fixtures.SUBNQN, Fixtures.HOST);
        TestHost io = new TestHost(registry);
        io.initialize(false, false);
        io.connect(1, 127, cntlid, Fixtures.SUBNQN, Fixtures.HOST, 0, 0);
        EmbeddedChannel channel = io.channel();
        channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        byte[] wire = stream(writeBytes, writes);
        long[] perWrite = new long[rounds];
        Thread loop = new FastThreadLocalThread(() -> {
            for (int r = 0; r < rounds; r++) {
                perWrite[r] = cpuPerWrite(channel, wire, readBytes, readsPerBatch) / writes;
                System.out.printf("round %d: %d ns CPU per %d-byte write (reads of %d bytes, %d a batch)%n", r + 1,
                        perWrite[r], writeBytes, readBytes, readsPerBatch);
            }
        });
        loop.start();
        loop.join();
        // The first half warms the JIT up.
        long[] warm = Arrays.copyOfRange(perWrite, rounds / 2, rounds);
        Arrays.sort(warm);
        System.out.printf("median of the last %d rounds: %d ns CPU per write%n", warm.length, warm[warm.length / 2]);
        io.close();
        admin.close();
    }

    private static byte[] stream(int writeBytes, int writes) {
        Random random = new Random(42);
        int blocks = writeBytes / Fixtures.BLOCK;
        ByteBuf data = Unpooled.buffer(writeBytes).writeZero(writeBytes);
        ByteBuf wire = Unpooled.buffer();
        for (int i = 0; i < writes; i++) {
            random.nextBytes(data.array());
            ByteBuf sqe = Pdus.sqe(Opcodes.IO_WRITE, i & 0xFFFF, 1);
            long slba = random.nextInt((int) Fixtures.BLOCKS / blocks) * (long) blocks;
            sqe.setLongLE(40, slba).setIntLE(48, blocks - 1);
            ByteBuf pdu = Pdus.capsule(Pdus.inCapsule(sqe, writeBytes), data.duplicate(), false, false);
            wire.writeBytes(pdu);
            pdu.release();
        }
        byte[] bytes = new byte[wire.readableBytes()];
        wire.readBytes(bytes);
        return bytes;
    }

    /**
     * Feeds the stream in reads of {@code readBytes}, {@code readsPerBatch} of them before each
     * read-complete (an epoll loop that is behind reads up to 16 times per wake-up); the thread's
     * CPU ns for it.
     */
    private static long cpuPerWrite(EmbeddedChannel channel, byte[] wire, int readBytes, int readsPerBatch) {
        int reads = (wire.length + readBytes - 1) / readBytes;
        ByteBuf[] buffers = new ByteBuf[reads];
        for (int i = 0; i < reads; i++) {
            int n = Math.min(readBytes, wire.length - i * readBytes);
            buffers[i] = PooledByteBufAllocator.DEFAULT.directBuffer(readBytes).writeBytes(wire, i * readBytes, n);
        }
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < reads; i++) {
            channel.pipeline().fireChannelRead(buffers[i]);
            if ((i + 1) % readsPerBatch == 0 || i == reads - 1) {
                channel.pipeline().fireChannelReadComplete();
            }
            Object out;
            while ((out = channel.readOutbound()) != null) {
                ReferenceCountUtil.release(out);
            }
        }
        return threads.getCurrentThreadCpuTime() - start;
    }
}
