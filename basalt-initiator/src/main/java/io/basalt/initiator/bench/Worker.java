package io.basalt.initiator.bench;

import io.basalt.initiator.BlockQueue;
import io.basalt.initiator.IoCallback;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeException;
import io.basalt.initiator.NvmeStatusException;
import io.basalt.initiator.NvmeTimeoutException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.IOException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The load on one I/O queue, run entirely on that queue's event loop: {@code iodepth} reusable
 * {@link Io} objects, each with its own buffer, resubmitted from their own completion. Nothing on
 * this path allocates.
 *
 * <p>The bench range is split into units of {@code bs} bytes; worker {@code w} of {@code n} owns
 * units {@code w, w+n, w+2n...}, and never has two commands on one unit at once, so with
 * {@code --verify} it knows exactly which generation each unit must hold.
 */
final class Worker {
    static final long MAX_LATENCY_NS = TimeUnit.SECONDS.toNanos(120);
    private static final long RETRY_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final BenchSettings s;
    private final BlockQueue queue;
    private final NamespaceInfo ns;
    private final EventLoop loop;
    private final int index;
    private final int workers;
    private final long units;
    private final int blocksPerUnit;
    private final Io[] ios;
    private final SplittableRandom random;
    private final BlockPattern pattern;
    private final long[] generations;
    private final long[] busy;
    private final VerifyLog.Appender log;
    private final long generationBase;
    private long generationCounter;
    private long seqNext;
    private final Io[] parked;
    private int parkedCount;
    private final double ratePerNano;
    private long rateStart;
    private long issued;
    private ScheduledFuture<?> tick;

    final SingleWriterRecorder readLatency = new SingleWriterRecorder(1, MAX_LATENCY_NS, 3);
    final SingleWriterRecorder writeLatency = new SingleWriterRecorder(1, MAX_LATENCY_NS, 3);
    /** Interval histograms recycled by the reporting thread (HdrHistogram wants each recorder's own). */
    org.HdrHistogram.Histogram readInterval;
    org.HdrHistogram.Histogram writeInterval;
    volatile long reads;
    volatile long writes;
    volatile long statusErrors;
    volatile long transportErrors;
    volatile long timeouts;
    volatile long verifyErrors;
    volatile long newerThanAcked;
    volatile int inFlight;
    volatile boolean stopping;
    volatile String firstError;
    private IOException logFailure;

    Worker(BenchSettings s, BlockQueue queue, NamespaceInfo ns, int index, int workers, VerifyLog verifyLog,
           long generationBase) {
        this.s = s;
        this.queue = queue;
        this.ns = ns;
        this.loop = queue.eventLoop();
        this.index = index;
        this.workers = workers;
        long totalUnits = s.size() / s.bs();
        this.units = (totalUnits - index + workers - 1) / workers;
        this.blocksPerUnit = s.bs() / ns.blockSize();
        this.random = new SplittableRandom(0x5EED + index * 7919L);
        this.pattern = s.verify() ? new BlockPattern(ns.blockSize()) : null;
        this.generations = s.verify() ? new long[(int) units] : null;
        this.busy = new long[(int) ((units + 63) / 64)];
        this.log = verifyLog == null ? null : verifyLog.appender();
        this.generationBase = generationBase;
        this.ios = new Io[s.iodepth()];
        this.parked = new Io[s.iodepth()];
        this.ratePerNano = s.rateIops() > 0 ? (double) s.rateIops() / workers / 1e9 : 0;
        byte[] noise = new byte[s.bs()];
        random.nextBytes(noise);
        for (int i = 0; i < ios.length; i++) {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(s.bs(), s.bs());
            b.writeBytes(noise);
            ios[i] = new Io(b);
        }
    }

    long units() {
        return units;
    }

    /** Starts the load; call once. */
    void start() {
        loop.execute(() -> {
            rateStart = System.nanoTime();
            tick = loop.scheduleAtFixedRate(this::onTick, 1, 1, TimeUnit.MILLISECONDS);
            for (Io io : ios) {
                inFlight++;
                issueOrPark(io);
            }
        });
    }

    /** Asks the worker to stop issuing; {@link #inFlight} drains to zero. */
    void stop() {
        stopping = true;
    }

    /** Flushes the verify-log buffer and frees the buffers; call on any thread once drained. */
    void finish() throws Exception {
        loop.submit(() -> {
            if (tick != null) {
                tick.cancel(false);
            }
            if (log != null && logFailure == null) {
                try {
                    log.flush();
                } catch (IOException e) {
                    logFailure = e;
                }
            }
            for (Io io : ios) {
                io.buffer.release();
            }
            return null;
        }).get(10, TimeUnit.SECONDS);
        if (logFailure != null) {
            throw logFailure;
        }
    }

    private void issueOrPark(Io io) {
        if (stopping) {
            inFlight--;
            return;
        }
        if (ratePerNano > 0 && issued >= (System.nanoTime() - rateStart) * ratePerNano) {
            io.readyAt = 0;
            parked[parkedCount++] = io;
            return;
        }
        issue(io);
    }

    /**
     * Reissues parked I/Os that are due. Entries are consumed in order while re-parking appends at
     * index {@code parkedCount}, which never passes the entry being consumed.
     */
    private void onTick() {
        long now = System.nanoTime();
        int n = parkedCount;
        parkedCount = 0;
        for (int i = 0; i < n; i++) {
            Io io = parked[i];
            parked[i] = null;
            boolean rateOk = ratePerNano == 0 || issued < (now - rateStart) * ratePerNano;
            if (stopping) {
                inFlight--;
            } else if (now - io.readyAt >= 0 && rateOk) {
                issue(io);
            } else {
                parked[parkedCount++] = io;
            }
        }
    }

    private void issue(Io io) {
        long unit = pickUnit();
        if (unit < 0) {
            io.readyAt = System.nanoTime();
            parked[parkedCount++] = io;
            return;
        }
        setBusy(unit, true);
        io.unit = unit;
        io.write = pickWrite();
        issued++;
        long lba = unitLba(unit);
        if (io.write) {
            if (pattern != null) {
                io.generation = generationBase + ++generationCounter;
                pattern.fill(io.buffer, 0, lba, blocksPerUnit, io.generation);
            }
            io.buffer.setIndex(0, s.bs());
            io.start = System.nanoTime();
            queue.write(ns, lba, blocksPerUnit, io.buffer, false, io);
        } else {
            io.buffer.clear();
            io.start = System.nanoTime();
            queue.read(ns, lba, blocksPerUnit, io.buffer, io);
        }
    }

    private long unitLba(long unit) {
        return (s.offsetBytes() / ns.blockSize()) + (unit * workers + index) * blocksPerUnit;
    }

    private boolean pickWrite() {
        return switch (s.rw()) {
            case read, randread -> false;
            case write, randwrite -> true;
            case randrw -> random.nextInt(100) >= s.rwmixread();
        };
    }

    /** A unit of this worker that has no command in flight, or -1 if none was found quickly. */
    private long pickUnit() {
        if (!s.rw().random()) {
            for (int i = 0; i < 64; i++) {
                long u = seqNext++ % units;
                if (!isBusy(u)) {
                    return u;
                }
            }
            return -1;
        }
        for (int i = 0; i < 64; i++) {
            long u = random.nextLong(units);
            if (!isBusy(u)) {
                return u;
            }
        }
        return -1;
    }

    private boolean isBusy(long u) {
        return (busy[(int) (u >>> 6)] & (1L << u)) != 0;
    }

    private void setBusy(long u, boolean on) {
        if (on) {
            busy[(int) (u >>> 6)] |= 1L << u;
        } else {
            busy[(int) (u >>> 6)] &= ~(1L << u);
        }
    }

    private void completed(Io io, NvmeException failure) {
        long latency = System.nanoTime() - io.start;
        setBusy(io.unit, false);
        if (failure != null) {
            if (failure instanceof NvmeStatusException) {
                statusErrors++;
            } else if (failure instanceof NvmeTimeoutException) {
                timeouts++;
            } else {
                transportErrors++;
            }
            if (firstError == null) {
                firstError = failure.getMessage();
            }
            io.readyAt = System.nanoTime() + RETRY_DELAY_NS;
            if (stopping) {
                inFlight--;
            } else {
                parked[parkedCount++] = io;
            }
            return;
        }
        long l = Math.min(latency, MAX_LATENCY_NS);
        if (io.write) {
            writeLatency.recordValue(l);
            writes++;
            if (pattern != null) {
                generations[(int) io.unit] = io.generation;
                if (log != null && logFailure == null) {
                    try {
                        log.add(unitLba(io.unit), io.generation, blocksPerUnit,
                                pattern.unitChecksum(io.buffer, 0, s.bs()));
                    } catch (IOException e) {
                        logFailure = e;
                        firstError = "verify log: " + e.getMessage();
                    }
                }
            }
        } else {
            readLatency.recordValue(l);
            reads++;
            if (pattern != null) {
                verify(io);
            }
        }
        issueOrPark(io);
    }

    private void verify(Io io) {
        long expected = generations[(int) io.unit];
        if (expected == 0) {
            return; // not written by this run: nothing known about its contents
        }
        long lba = unitLba(io.unit);
        for (int i = 0; i < blocksPerUnit; i++) {
            long got = pattern.check(io.buffer, i * ns.blockSize(), lba + i);
            if (got != expected) {
                verifyErrors++;
                if (verifyErrors <= 10) {
                    String msg = "verify: LBA " + (lba + i) + " holds " + BlockPattern.describe(got)
                            + ", expected generation " + expected;
                    System.err.println(msg);
                    if (firstError == null) {
                        firstError = msg;
                    }
                }
                return;
            }
        }
    }

    /** One reusable I/O: its buffer, what it is doing, and its completion. */
    final class Io implements IoCallback {
        final ByteBuf buffer;
        long unit;
        boolean write;
        long generation;
        long start;
        long readyAt;

        Io(ByteBuf buffer) {
            this.buffer = buffer;
        }

        @Override
        public void onComplete(NvmeException failure, long result) {
            completed(this, failure);
        }
    }
}
