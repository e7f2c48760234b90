package io.basalt.initiator.bench;

import io.basalt.initiator.BlockQueue;
import io.basalt.initiator.InitiatorConfig;
import io.basalt.initiator.NamespaceInfo;
import io.basalt.initiator.NvmeTcpInitiator;
import io.basalt.initiator.multipath.MultipathController;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/** Runs a bench (or a verify-only pass) against a target and reports. */
final class Bench {
    /** How long the run may take to drain after the measured time, whatever the target does. */
    static final long DRAIN_SECONDS = 15;

    private final BenchSettings s;
    private final PrintWriter out;

    Bench(BenchSettings s, PrintWriter out) {
        this.s = s;
        this.out = out;
    }

    private InitiatorConfig config() {
        return InitiatorConfig.builder().hostNqn(s.hostNqn()).ioQueues(s.queues()).eventLoops(s.queues())
                .queueDepth(Math.max(2, s.iodepth())).headerDigest(s.headerDigest()).dataDigest(s.dataDigest())
                .busyPoll(s.busyPoll())
                .commandTimeoutMillis(10_000).reconnectDelayMillis(500)
                .controllerLossTimeoutMillis((s.rampSeconds() + s.runtimeSeconds()) * 1000 + 1000).build();
    }

    private static NamespaceInfo namespace(BenchConnection c, int nsid) {
        int id = nsid;
        if (id == 0) {
            List<Integer> active = c.activeNamespaces();
            if (active.isEmpty()) {
                throw new IllegalStateException("the subsystem shows this host no namespace");
            }
            id = active.getFirst();
        }
        NamespaceInfo ns = c.identifyNamespace(id);
        if (!ns.active()) {
            List<Integer> active = c.activeNamespaces();
            throw new IllegalStateException("namespace " + id + " is not visible to this host " + (active.isEmpty()
                    ? "(it sees no namespace: check the volume's hosts and this host's NQN)"
                    : "(active namespaces: " + active.stream().map(String::valueOf)
                            .collect(Collectors.joining(", ")) + ")"));
        }
        return ns;
    }

    BenchReport run() throws Exception {
        try (NvmeTcpInitiator initiator = new NvmeTcpInitiator(config());
             BenchConnection c = BenchConnection.open(initiator, s)) {
            NamespaceInfo ns = namespace(c, s.nsid());
            if (s.bs() % ns.blockSize() != 0) {
                throw new IllegalArgumentException("--bs " + s.bs() + " is not a multiple of the block size "
                        + ns.blockSize());
            }
            long size = Math.min(s.size() > 0 ? s.size() : ns.sizeBytes(), ns.sizeBytes() - s.offsetBytes());
            size -= size % s.bs();
            if (size < (long) s.bs() * c.queues().size()) {
                throw new IllegalArgumentException("--size leaves less than one block of --bs per queue");
            }
            BenchSettings run = s.resolved(ns.nsid(), c.queues().size(), size);
            out.printf(Locale.ROOT, "bench: %s nsid %d (%s, %d-byte blocks) %s bs=%s iodepth=%d queues=%d size=%s"
                            + " transport=%s%s%s%n", s.nqn(), ns.nsid(), Sizes.format(ns.sizeBytes()), ns.blockSize(),
                    run.rw(), Sizes.format(run.bs()), run.iodepth(), run.queues(), Sizes.format(size),
                    initiator.nativeTransport() ? "epoll" : "nio", run.verify() ? " verify" : "", c.describePaths());
            VerifyLog log = run.verifyLog() == null ? null : VerifyLog.openForAppend(run.verifyLog(), ns.blockSize(),
                    run.bs());
            try {
                return drive(run, c, ns, log);
            } finally {
                if (log != null) {
                    log.close();
                }
            }
        }
    }

    private BenchReport drive(BenchSettings run, BenchConnection c, NamespaceInfo ns, VerifyLog log) throws Exception {
        long generationBase = (System.currentTimeMillis() / 1000) << 32;
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < run.queues(); i++) {
            workers.add(new Worker(run, c.queues().get(i), ns, i, run.queues(), log, generationBase));
        }
        Histogram readTotal = new Histogram(1, Worker.MAX_LATENCY_NS, 3);
        Histogram writeTotal = new Histogram(1, Worker.MAX_LATENCY_NS, 3);
        Histogram readSecond = new Histogram(1, Worker.MAX_LATENCY_NS, 3);
        Histogram writeSecond = new Histogram(1, Worker.MAX_LATENCY_NS, 3);
        long start = System.nanoTime();
        long measureStart = start + TimeUnit.SECONDS.toNanos(run.rampSeconds());
        long end = measureStart + TimeUnit.SECONDS.toNanos(run.runtimeSeconds());
        workers.forEach(Worker::start);
        long baseReads = 0;
        long baseWrites = 0;
        boolean measuring = run.rampSeconds() == 0;
        long lastReads = 0;
        long lastWrites = 0;
        long lastTick = start;
        for (int second = 1; ; second++) {
            long next = start + TimeUnit.SECONDS.toNanos(second);
            sleepUntil(Math.min(next, end));
            long now = System.nanoTime();
            readSecond.reset();
            writeSecond.reset();
            long reads = 0;
            long writes = 0;
            for (Worker w : workers) {
                w.readInterval = w.readLatency.getIntervalHistogram(w.readInterval);
                readSecond.add(w.readInterval);
                w.writeInterval = w.writeLatency.getIntervalHistogram(w.writeInterval);
                writeSecond.add(w.writeInterval);
                reads += w.reads;
                writes += w.writes;
            }
            if (measuring) {
                readTotal.add(readSecond);
                writeTotal.add(writeSecond);
            } else if (now - measureStart >= 0) {
                measuring = true;
                baseReads = reads;
                baseWrites = writes;
            }
            double dt = (now - lastTick) / 1e9;
            progress(run, (now - start) / 1e9, (reads - lastReads) / dt, (writes - lastWrites) / dt, readSecond,
                    writeSecond, workers, measuring);
            lastReads = reads;
            lastWrites = writes;
            lastTick = now;
            if (log != null) {
                log.force();
            }
            if (now - end >= 0) {
                break;
            }
        }
        for (Worker w : workers) {
            w.stop();
        }
        long outstanding = drain(workers);
        // The run lasts until its last command completes: one that stalls at the end counts with its
        // full latency, as the target saw it, instead of vanishing from the report.
        long measuredNanos = System.nanoTime() - measureStart;
        long finalReads = 0;
        long finalWrites = 0;
        for (Worker w : workers) {
            w.readInterval = w.readLatency.getIntervalHistogram(w.readInterval);
            readTotal.add(w.readInterval);
            w.writeInterval = w.writeLatency.getIntervalHistogram(w.writeInterval);
            writeTotal.add(w.writeInterval);
            finalReads += w.reads;
            finalWrites += w.writes;
        }
        long drained = finalReads + finalWrites - lastReads - lastWrites;
        if (drained > 0) {
            out.printf(Locale.ROOT, "bench: %d commands completed after the last second, in %.3f s (counted)%n",
                    drained, (measuredNanos - (end - measureStart)) / 1e9);
        }
        if (outstanding == 0) {
            for (Worker w : workers) {
                w.finish();
            }
        }
        long statusErrors = 0;
        long transportErrors = 0;
        long timeouts = outstanding;
        long verifyErrors = 0;
        String firstError = null;
        for (Worker w : workers) {
            statusErrors += w.statusErrors;
            transportErrors += w.transportErrors;
            timeouts += w.timeouts;
            verifyErrors += w.verifyErrors;
            if (firstError == null) {
                firstError = w.firstError;
            }
        }
        double seconds = measuredNanos / 1e9;
        return new BenchReport(run, seconds,
                new BenchReport.Stats(finalReads - baseReads, (finalReads - baseReads) * run.bs(), readTotal),
                new BenchReport.Stats(finalWrites - baseWrites, (finalWrites - baseWrites) * run.bs(), writeTotal),
                statusErrors, transportErrors, timeouts, verifyErrors, 0, firstError, failover(c));
    }

    /** What multipath did during the run, or null without multipath. */
    private static BenchReport.Failover failover(BenchConnection c) {
        MultipathController m = c.multipath();
        return m == null ? null : new BenchReport.Failover(m.paths().size(), m.failedOver(), m.longestPauseNanos(),
                m.noPathFailures());
    }

    /**
     * Waits for the stopped workers' commands to complete, at most {@link #DRAIN_SECONDS}; returns
     * how many never did (counted as timeouts).
     */
    private long drain(List<Worker> workers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
        while (inFlight(workers) > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1); // polled: a drain is usually well under a millisecond
        }
        long outstanding = inFlight(workers);
        if (outstanding > 0) {
            out.println("bench: " + outstanding + " commands still outstanding after " + DRAIN_SECONDS
                    + " s, counted as timeouts; closing anyway");
        }
        return outstanding;
    }

    private static long inFlight(List<Worker> workers) {
        long n = 0;
        for (Worker w : workers) {
            n += w.inFlight;
        }
        return n;
    }

    private void progress(BenchSettings run, double elapsed, double readIops, double writeIops, Histogram r,
                          Histogram w, List<Worker> workers, boolean measuring) {
        long errors = 0;
        for (Worker x : workers) {
            errors += x.statusErrors + x.transportErrors + x.timeouts + x.verifyErrors;
        }
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "[%5.1fs%s]", elapsed, measuring ? "" : " ramp"));
        if (readIops > 0 || r.getTotalCount() > 0) {
            b.append(String.format(Locale.ROOT, " read %.0f IOPS %.1f MiB/s avg %.1fus p99 %.1fus", readIops,
                    readIops * run.bs() / (1 << 20), r.getMean() / 1e3, r.getValueAtPercentile(99) / 1e3));
        }
        if (writeIops > 0 || w.getTotalCount() > 0) {
            b.append(String.format(Locale.ROOT, " | write %.0f IOPS %.1f MiB/s avg %.1fus p99 %.1fus", writeIops,
                    writeIops * run.bs() / (1 << 20), w.getMean() / 1e3, w.getValueAtPercentile(99) / 1e3));
        }
        b.append(" | errors ").append(errors);
        out.println(b);
        out.flush();
    }

    private static void sleepUntil(long deadline) throws InterruptedException {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
    }

    // ---- verify-only --------------------------------------------------------------------------

    /** Result of a verify-only pass. */
    record VerifyResult(long units, long exact, long newer, long failed, long readErrors) {
    }

    /**
     * Reads back every unit the log names and checks it against the last acknowledged write.
     *
     * <p>The rule: each block must be an intact bench block (magic, its own LBA, checksum) with a
     * generation no older than the unit's last logged one. Equal everywhere: the unit's CRC must
     * also match the logged one. Newer: a write that was issued but whose acknowledgement did not
     * reach the log before the crash (in flight at the target, or acknowledged in the last
     * unsynced second of the log); generations only grow, so it cannot be stale data. Older,
     * foreign or corrupt: an acknowledged write was lost, and the pass fails.
     */
    VerifyResult verifyOnly() throws Exception {
        VerifyLog.Contents contents = VerifyLog.read(s.verifyLog());
        List<VerifyLog.Entry> entries = new ArrayList<>(contents.latest().values());
        entries.sort(Comparator.comparingLong(VerifyLog.Entry::lba));
        out.printf(Locale.ROOT, "verify-only: %d records, %d units in %s%n", contents.records(), entries.size(),
                s.verifyLog());
        try (NvmeTcpInitiator initiator = new NvmeTcpInitiator(config());
             BenchConnection c = BenchConnection.open(initiator, s)) {
            NamespaceInfo ns = namespace(c, s.nsid());
            if (ns.blockSize() != contents.blockSize()) {
                throw new IllegalStateException("the log was written with " + contents.blockSize()
                        + "-byte blocks, the namespace has " + ns.blockSize());
            }
            List<? extends BlockQueue> queues = c.queues();
            BlockPattern[] patterns = new BlockPattern[queues.size()];
            for (int i = 0; i < patterns.length; i++) {
                patterns[i] = new BlockPattern(ns.blockSize());
            }
            Semaphore window = new Semaphore(Math.max(1, s.iodepth()) * queues.size());
            AtomicLong exact = new AtomicLong();
            AtomicLong newer = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicLong readErrors = new AtomicLong();
            AtomicReference<String> first = new AtomicReference<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(60, s.runtimeSeconds() * 10L));
            int i = 0;
            for (VerifyLog.Entry e : entries) {
                if (!window.tryAcquire(30, TimeUnit.SECONDS) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("verify-only: reads stopped completing");
                }
                int qi = i++ % queues.size();
                BlockQueue q = queues.get(qi);
                BlockPattern pattern = patterns[qi];
                int length = e.blocks() * ns.blockSize();
                ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(length);
                q.read(ns, e.lba(), e.blocks(), buf, (failure, result) -> {
                    try {
                        if (failure != null) {
                            readErrors.incrementAndGet();
                            first.compareAndSet(null, "LBA " + e.lba() + ": " + failure.getMessage());
                            return;
                        }
                        String problem = check(pattern, buf, e, ns.blockSize());
                        if (problem == null) {
                            exact.incrementAndGet();
                        } else if (problem.isEmpty()) {
                            newer.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            first.compareAndSet(null, problem);
                            if (failed.get() <= 10) {
                                System.err.println("verify-only: " + problem);
                            }
                        }
                    } finally {
                        buf.release();
                        window.release();
                    }
                });
            }
            if (!window.tryAcquire(Math.max(1, s.iodepth()) * queues.size(), 30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("verify-only: reads stopped completing");
            }
            VerifyResult r = new VerifyResult(entries.size(), exact.get(), newer.get(), failed.get(), readErrors.get());
            out.printf(Locale.ROOT, "verify-only: %d units: %d as last acknowledged, %d newer (unacknowledged at the"
                    + " crash), %d LOST or corrupt, %d read errors%n", r.units(), r.exact(), r.newer(), r.failed(),
                    r.readErrors());
            if (first.get() != null) {
                out.println("verify-only: first problem: " + first.get());
            }
            return r;
        }
    }

    /** Null when the unit is exactly the logged write, "" when newer, otherwise what is wrong. */
    static String check(BlockPattern pattern, ByteBuf buf, VerifyLog.Entry e, int blockSize) {
        boolean allEqual = true;
        for (int b = 0; b < e.blocks(); b++) {
            long lba = e.lba() + b;
            long got = pattern.check(buf, b * blockSize, lba);
            if (got < 0) {
                return "LBA " + lba + " holds " + BlockPattern.describe(got) + "; generation " + e.generation()
                        + " was acknowledged";
            }
            if (got < e.generation()) {
                return "LBA " + lba + " holds generation " + got + " but generation " + e.generation()
                        + " was acknowledged (lost write)";
            }
            allEqual &= got == e.generation();
        }
        if (!allEqual) {
            return "";
        }
        int crc = pattern.unitChecksum(buf, 0, e.blocks() * blockSize);
        return crc == e.checksum() ? null : "LBA " + e.lba() + ": checksum differs from the logged one";
    }
}
