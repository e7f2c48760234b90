package io.basalt.replication.bench;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.block.testing.MemoryBlockStore;
import io.basalt.replication.EpochFence;
import io.basalt.replication.ReplicaLink;
import io.basalt.replication.ReplicaVolume;
import io.basalt.replication.client.ClientSettings;
import io.basalt.replication.client.ReplicationClient;
import io.basalt.replication.server.ReplicationServer;
import io.basalt.replication.wire.RequestHeader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 4 KiB replicated writes through client → loopback → server → MemoryBlockStore: QD1 latency and
 * QD32 IOPS, each the median of 3 runs of 3 s (after a 2 s warm-up). A main, not a test:
 * {@code java --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED
 * -Dio.netty.leakDetection.level=disabled -cp <test classpath> io.basalt.replication.bench.ReplicationBench [seconds]}:
 * the daemon's flags (without Unsafe, Netty copies a direct buffer to a heap one through a new
 * ByteBuffer each time, which would count as allocation; so would the leak detector's sampling).
 * Also prints the bytes all threads allocated per write, which should stay near 0.
 */
public final class ReplicationBench {
    private static final int BLOCK = 4096;
    private static final long CAPACITY = 256L << 20;
    private static final UUID VOLUME = UUID.randomUUID();

    private ReplicationBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        MemoryBlockStore store = new MemoryBlockStore(CAPACITY, BLOCK);
        ReplicaVolume volume = new ReplicaVolume(store, new EpochFence(1));
        try (ReplicationServer server = new ReplicationServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                v -> volume);
             ReplicationClient client = new ReplicationClient(server.address(), ClientSettings.defaults())) {
            ReplicaLink link = client.link("bench", VOLUME);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!link.connected() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            qd1(link, 2);
            qd(link, 32, 2);
            double[] p50 = new double[3];
            double[] mean = new double[3];
            double[] iops = new double[3];
            for (int run = 0; run < 3; run++) {
                double[] lat = qd1(link, seconds);
                p50[run] = lat[0];
                mean[run] = lat[1];
                iops[run] = qd(link, 32, seconds);
                System.out.printf("run %d: QD1 p50 %.1f us mean %.1f us; QD32 %.0f IOPS, %.1f bytes allocated per write"
                        + " (all threads)%n", run + 1, p50[run], mean[run], iops[run], lastBytesPerOp);
            }
            System.out.printf("client's frame encoding per 4 KiB write: %.0f ns with the data copy, %.0f ns header only%n",
                    encodeNanos(true), encodeNanos(false));
            System.out.printf("median of 3: QD1 p50 %.1f us (mean %.1f us), QD32 %.0f IOPS%n", median(p50), median(mean),
                    median(iops));
        } finally {
            store.close();
        }
    }

    /** QD1 writes for {@code seconds}: {p50, mean} latency in microseconds. */
    private static double[] qd1(ReplicaLink link, int seconds) {
        long[] samples = new long[4_000_000];
        int n = 0;
        SplittableRandom random = new SplittableRandom(1);
        WriteIo io = new WriteIo();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long sum = 0;
        while (n < samples.length) {
            long start = System.nanoTime();
            if (start > end) {
                break;
            }
            io.done = false;
            io.offset = random.nextLong(CAPACITY / BLOCK) * BLOCK;
            link.submit(io, 1);
            while (!io.done) {
                Thread.onSpinWait();
            }
            if (io.status != IoStatus.OK) {
                throw new IllegalStateException("write failed with status " + io.status);
            }
            long took = System.nanoTime() - start;
            samples[n++] = took;
            sum += took;
        }
        Arrays.sort(samples, 0, n);
        return new double[]{samples[n / 2] / 1000.0, sum / (double) n / 1000.0};
    }

    /** Writes kept {@code depth} deep (each completion resubmits) for {@code seconds}: IOPS. */
    private static double qd(ReplicaLink link, int depth, int seconds) throws InterruptedException {
        AtomicLong completed = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong running = new AtomicLong(depth);
        long allocatedBefore = allocatedBytes();
        long start = System.nanoTime();
        for (int i = 0; i < depth; i++) {
            ResubmittingIo io = new ResubmittingIo(link, completed, running, end, i);
            io.submitNext();
        }
        while (running.get() > 0) {
            Thread.sleep(1);
        }
        double iops = completed.get() / ((System.nanoTime() - start) / 1e9);
        lastBytesPerOp = (allocatedBytes() - allocatedBefore) / (double) completed.get();
        return iops;
    }

    private static volatile double lastBytesPerOp;

    /** Bytes allocated so far by every live thread (this one, the client's and the server's event loops). */
    private static long allocatedBytes() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
            sum += Math.max(bytes, 0);
        }
        return sum;
    }

    /** What copying a write's data into its frame costs: a pooled buffer, the header, (the copy), released. */
    private static double encodeNanos(boolean copy) {
        ByteBuf data = Unpooled.wrappedBuffer(new byte[BLOCK]);
        int rounds = 2_000_000;
        long start = 0;
        for (int i = -rounds; i < rounds; i++) {
            if (i == 0) {
                start = System.nanoTime();
            }
            ByteBuf frame = PooledByteBufAllocator.DEFAULT.directBuffer(RequestHeader.LENGTH + BLOCK);
            RequestHeader.write(frame, RequestHeader.OP_WRITE, 0, i, 1, 2, 3, 0, BLOCK);
            if (copy) {
                frame.writeBytes(data, 0, BLOCK);
            }
            frame.release();
        }
        return (System.nanoTime() - start) / (double) rounds;
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static class WriteIo implements BlockIo {
        final ByteBuf data = Unpooled.wrappedBuffer(new byte[BLOCK]);
        long offset;
        volatile boolean done;
        volatile int status;

        @Override
        public int op() {
            return OP_WRITE;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public int length() {
            return BLOCK;
        }

        @Override
        public ByteBuf buffer() {
            return data;
        }

        @Override
        public boolean fua() {
            return false;
        }

        @Override
        public void complete(int ioStatus) {
            status = ioStatus;
            done = true;
        }
    }

    private static final class ResubmittingIo extends WriteIo {
        private final ReplicaLink link;
        private final AtomicLong completed;
        private final AtomicLong running;
        private final long end;
        private final SplittableRandom random;

        ResubmittingIo(ReplicaLink link, AtomicLong completed, AtomicLong running, long end, int seed) {
            this.link = link;
            this.completed = completed;
            this.running = running;
            this.end = end;
            this.random = new SplittableRandom(seed);
        }

        void submitNext() {
            offset = random.nextLong(CAPACITY / BLOCK) * BLOCK;
            link.submit(this, 1);
        }

        @Override
        public void complete(int ioStatus) {
            if (ioStatus != IoStatus.OK) {
                throw new IllegalStateException("write failed with status " + ioStatus);
            }
            completed.incrementAndGet();
            if (System.nanoTime() < end) {
                submitNext();
            } else {
                running.decrementAndGet();
            }
        }
    }
}
