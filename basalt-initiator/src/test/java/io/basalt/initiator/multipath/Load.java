package io.basalt.initiator.multipath;

import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.testing.TwoBrickCluster;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Steady I/O on every queue of a multipath controller: {@code streams} independent streams, each
 * writing an LBA-stamped block, reading it back and checking it, then moving to its next LBA
 * (streams never share an LBA). Any error or wrong data reaching the caller is recorded.
 */
final class Load {
    private final MultipathController m;
    private final NamespaceInfo ns;
    private final int streams;
    private final long blocks;
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicReference<String> firstError = new AtomicReference<>();
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopping;

    Load(MultipathController m, NamespaceInfo ns, int streams) {
        this.m = m;
        this.ns = ns;
        this.streams = streams;
        this.blocks = Math.min(ns.size(), TwoBrickCluster.SIZE / TwoBrickCluster.BLOCK);
    }

    void start() {
        for (int s = 0; s < streams; s++) {
            running.incrementAndGet();
            MultipathQueue q = m.ioQueue(s % m.ioQueues().size());
            int stream = s;
            q.eventLoop().execute(() -> step(q, stream, stream));
        }
    }

    long completed() {
        return completed.get();
    }

    private static ByteBuf stamped(long lba, long round) {
        ByteBuf b = Unpooled.buffer(TwoBrickCluster.BLOCK);
        for (int i = 0; i < TwoBrickCluster.BLOCK / 8; i++) {
            b.writeLong(lba * 1_000_003 + round * 31 + i);
        }
        return b;
    }

    private void step(MultipathQueue q, int stream, long lba) {
        if (stopping) {
            running.decrementAndGet();
            return;
        }
        long round = completed.get();
        ByteBuf data = stamped(lba, round);
        q.write(ns, lba, 1, data, (failure, result) -> {
            if (failure != null) {
                error("write LBA " + lba + ": " + failure);
                running.decrementAndGet();
                return;
            }
            completed.incrementAndGet();
            ByteBuf dst = Unpooled.buffer(TwoBrickCluster.BLOCK);
            q.read(ns, lba, 1, dst, (f2, r2) -> {
                if (f2 != null) {
                    error("read LBA " + lba + ": " + f2);
                    running.decrementAndGet();
                    return;
                }
                if (!dst.equals(data)) {
                    error("LBA " + lba + " does not hold the acknowledged write");
                }
                completed.incrementAndGet();
                step(q, stream, (lba + streams) % blocks);
            });
        });
    }

    private void error(String what) {
        errors.incrementAndGet();
        firstError.compareAndSet(null, what);
    }

    /** Stops issuing, waits for every stream to end, and asserts that no error reached the caller. */
    void stopAndCheck() throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (running.get() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        assertThat(errors.get()).as("errors surfaced to the caller; first: %s", firstError.get()).isZero();
        assertThat(running.get()).as("streams still running").isZero();
    }
}
