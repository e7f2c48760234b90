package io.basalt.replication;

import io.basalt.block.testing.HostIo;
import io.basalt.block.IoStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.basalt.replication.Fixture.EPOCH;
import static io.basalt.replication.Fixture.REGION;
import static org.assertj.core.api.Assertions.assertThat;

class ReplicatedStoreTest {

    @Test
    void shouldRefuseEveryOperationWhenNotPrimary() throws Exception {
        try (Fixture f = new Fixture(1)) {
            HostIo read = HostIo.read(0, 4096);
            f.store.submit(read);
            assertThat(read.await()).isEqualTo(IoStatus.PATH_UNAVAILABLE);
            f.store.apply(ReplicaPlan.secondary(EPOCH, 0));
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.PATH_UNAVAILABLE);
            assertThat(f.link(0).submitted.get()).isZero();
            assertThat(Fixture.contents(f.local)[0]).isZero();
        }
    }

    @Test
    void shouldAcknowledgeAWriteOnlyOnceEveryInSyncReplicaHasIt() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            f.link(1).mode = FakeLink.Mode.HOLD;
            HostIo w = HostIo.write(8192, 4096, (byte) 5);
            f.store.submit(w);
            assertThat(w.status).isNotDone();
            assertThat(f.link(0).store).satisfies(s -> assertThat(Fixture.contents(s)[8192]).isEqualTo((byte) 5));
            f.link(1).releaseHeld();
            assertThat(w.await()).isEqualTo(IoStatus.OK);
            assertThat(Fixture.contents(f.link(1).store)[8192]).isEqualTo((byte) 5);
            assertThat(Fixture.contents(f.local)[8192]).isEqualTo((byte) 5);
        }
    }

    @Test
    void shouldServeReadsFromTheLocalStoreOnly() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.store.apply(f.plan());
            assertThat(f.write(0, 4096, 3)).isEqualTo(IoStatus.OK);
            int sent = f.link(0).submitted.get();
            HostIo read = HostIo.read(0, 4096);
            f.store.submit(read);
            assertThat(read.await()).isEqualTo(IoStatus.OK);
            assertThat(read.buffer().getByte(0)).isEqualTo((byte) 3);
            assertThat(f.link(0).submitted.get()).isEqualTo(sent);
        }
    }

    @Test
    void shouldAcknowledgeNothingWhenAReplicaKnowsANewerEpoch() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            f.link(0).fence.admit(EPOCH + 1);
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.PATH_UNAVAILABLE);
            HostIo flush = HostIo.flush();
            f.store.submit(flush);
            assertThat(flush.await()).isEqualTo(IoStatus.PATH_UNAVAILABLE);
            assertThat(f.recorder.drops).isEmpty();
        }
    }

    @Test
    void shouldAcknowledgeNothingOnceTheFenceMovedWhileTheWriteWasInFlight() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.store.apply(f.plan());
            f.link(0).mode = FakeLink.Mode.HOLD;
            HostIo w = HostIo.write(0, 4096, 1);
            f.store.submit(w);
            f.fence.admit(EPOCH + 1);
            f.link(0).releaseHeld();
            assertThat(w.await()).isEqualTo(IoStatus.PATH_UNAVAILABLE);
        }
    }

    @Test
    void shouldAcknowledgeNothingWithoutAuthority() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.store.apply(f.plan());
            f.authority.set(false);
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.PATH_UNAVAILABLE);
            // Not applied anywhere, its own copy included (a frozen primary waking must not diverge).
            assertThat(Fixture.contents(f.local)).isEqualTo(new byte[(int) Fixture.CAPACITY]);
            assertThat(Fixture.contents(f.link(0).store)).isEqualTo(new byte[(int) Fixture.CAPACITY]);
            f.fence.admit(Fixture.EPOCH + 1);
            assertThat(f.write(0, 4096, 2)).as("deposed by a newer epoch").isEqualTo(IoStatus.PATH_UNAVAILABLE);
            assertThat(Fixture.contents(f.local)).isEqualTo(new byte[(int) Fixture.CAPACITY]);
            f.store.apply(new ReplicaPlan(true, Fixture.EPOCH + 1, f.plan().inSync(), java.util.List.of(),
                    f.recorder.revision.get()));
            HostIo read = HostIo.read(0, 4096);
            f.store.submit(read);
            assertThat(read.await()).isEqualTo(IoStatus.PATH_UNAVAILABLE);
            f.authority.set(true);
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.OK);
        }
    }

    @Test
    void shouldCompleteAFailedWriteOnlyAfterTheDropIsRecorded() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            CompletableFuture<Long> record = new CompletableFuture<>();
            f.recorder.heldDrop = record;
            f.link(1).mode = FakeLink.Mode.FAIL;
            HostIo failed = HostIo.write(0, 4096, 1);
            f.store.submit(failed);
            HostIo during = HostIo.write(3 * REGION, 4096, 2);
            f.store.submit(during);
            assertThat(failed.status).isNotDone();
            assertThat(during.status).isNotDone();
            assertThat(f.link(1).submitted.get()).as("writes during the drop skip the replica").isEqualTo(1);
            assertThat(f.recorder.drops).containsExactly("b2");

            record.complete(41L);
            assertThat(failed.await()).isEqualTo(IoStatus.OK);
            assertThat(during.await()).isEqualTo(IoStatus.OK);
            assertThat(Fixture.contents(f.link(0).store)[3 * REGION]).isEqualTo((byte) 2);
            assertThat(f.events).contains("dropped b2 true");
        }
    }

    @Test
    void shouldNotAcknowledgeWhenTheDropIsRefused() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.store.apply(f.plan());
            f.recorder.refuse = true;
            f.link(0).mode = FakeLink.Mode.FAIL;
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.PATH_UNAVAILABLE);
            assertThat(f.write(4096, 4096, 1)).as("nothing until a new plan").isEqualTo(IoStatus.PATH_UNAVAILABLE);
            assertThat(f.recorder.drops).hasSize(1);
        }
    }

    @Test
    void shouldDropAReplicaOnceWhenSeveralWritesFailOnItAtOnce() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            f.link(0).mode = FakeLink.Mode.HOLD;
            HostIo[] writes = new HostIo[8];
            for (int i = 0; i < writes.length; i++) {
                writes[i] = HostIo.write((long) i * REGION, 4096, i + 1);
                f.store.submit(writes[i]);
            }
            f.link(0).connected = false;
            f.link(0).failHeld();
            for (HostIo w : writes) {
                assertThat(w.await()).isEqualTo(IoStatus.OK);
            }
            assertThat(f.recorder.drops).containsExactly("b1");
            f.store.apply(f.plan(f.link(0)));
            assertThat(f.progress("b1").regionsRemaining()).isEqualTo(8);
        }
    }

    @Test
    void shouldIgnoreAPlanOlderThanItsOwnDrop() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.store.apply(f.plan());
            ReplicaPlan stale = f.plan();
            f.link(0).mode = FakeLink.Mode.FAIL;
            f.link(0).connected = false;
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.OK);
            assertThat(f.store.apply(stale)).isFalse();
            assertThat(f.write(REGION, 4096, 1)).as("the stale plan did not put b1 back in sync").isEqualTo(IoStatus.OK);
            assertThat(f.link(0).submitted.get()).isEqualTo(1);
        }
    }

    @Test
    void shouldResyncOnlyTheChangedRegionsAndRejoin() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            assertThat(f.write(0, 4096, 9)).isEqualTo(IoStatus.OK);
            f.link(1).mode = FakeLink.Mode.FAIL;
            f.link(1).connected = false;
            assertThat(f.write(REGION, 4096, 1)).isEqualTo(IoStatus.OK);
            f.store.apply(f.plan(f.link(1)));
            for (int i = 0; i < 5; i++) {
                assertThat(f.write((long) (10 + i) * REGION + 4096, 8192, 20 + i)).isEqualTo(IoStatus.OK);
            }
            assertThat(f.write(10L * REGION, 4096, 30)).as("same region again").isEqualTo(IoStatus.OK);
            assertThat(f.progress("b2").regionsRemaining()).isEqualTo(6);

            f.link(1).mode = FakeLink.Mode.ANSWER;
            f.link(1).connected = true;
            Fixture.waitFor("resync of b2", () -> f.resyncDone("b2"));
            ResyncProgress p = f.progress("b2");
            assertThat(p.bytesCopied()).isEqualTo(6L * REGION);
            assertThat(p.regionsRemaining()).isZero();
            assertThat(Fixture.contents(f.link(1).store)).isEqualTo(Fixture.contents(f.local));
            assertThat(f.recorder.rejoins).containsExactly("b2");
            assertThat(f.events).contains("resynced b2");

            int before = f.link(1).submitted.get();
            assertThat(f.write(0, 4096, 11)).isEqualTo(IoStatus.OK);
            assertThat(f.link(1).submitted.get()).as("back in the fan-out").isEqualTo(before + 1);
        }
    }

    /** A run that ends at the volume's last region, shorter than one copy: the copy must stop at the end. */
    @Test
    void shouldResyncTheLastRegionOfTheVolume() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            f.link(1).mode = FakeLink.Mode.FAIL;
            f.link(1).connected = false;
            assertThat(f.write(Fixture.CAPACITY - 4096, 4096, 5)).isEqualTo(IoStatus.OK);
            f.store.apply(f.plan(f.link(1)));
            assertThat(f.progress("b2").regionsRemaining()).isEqualTo(1);

            f.link(1).mode = FakeLink.Mode.ANSWER;
            f.link(1).connected = true;
            Fixture.waitFor("resync of b2", () -> f.resyncDone("b2"));
            assertThat(f.progress("b2").bytesCopied()).isEqualTo(REGION);
            assertThat(Fixture.contents(f.link(1).store)).isEqualTo(Fixture.contents(f.local));
        }
    }

    @Test
    void shouldCopyEveryRegionOfAReplicaItHasNoTrackingFor() throws Exception {
        try (Fixture f = new Fixture(1)) {
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.PATH_UNAVAILABLE);
            HostIo direct = HostIo.write(5 * REGION, 4096, (byte) 4);
            f.local.submit(direct);
            f.store.apply(f.plan(f.link(0)));
            Fixture.waitFor("full resync", () -> f.resyncDone("b1"));
            assertThat(f.progress("b1").regionsTotal()).isEqualTo(Fixture.CAPACITY / REGION);
            assertThat(Fixture.contents(f.link(0).store)).isEqualTo(Fixture.contents(f.local));
        }
    }

    @Test
    void shouldKeepTrackingAndRetryWhenTheLinkFailsDuringResync() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.store.apply(f.plan());
            f.link(0).mode = FakeLink.Mode.FAIL;
            f.link(0).connected = false;
            for (int i = 0; i < 4; i++) {
                assertThat(f.write((long) i * REGION, 4096, i + 1)).isEqualTo(IoStatus.OK);
            }
            f.store.apply(f.plan(f.link(0)));
            f.link(0).connected = true;
            Fixture.waitFor("a failed resync", () -> f.events.stream().anyMatch(e -> e.startsWith("resync failed b1")));
            assertThat(f.progress("b1").regionsRemaining()).isEqualTo(4);
            f.link(0).mode = FakeLink.Mode.ANSWER;
            Fixture.waitFor("resync of b1", () -> f.resyncDone("b1"));
            assertThat(Fixture.contents(f.link(0).store)).isEqualTo(Fixture.contents(f.local));
        }
    }

    @Test
    void shouldReportTheRangesWhereAReplicaDiffers() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.OK);
            HostIo corrupt = HostIo.write(3 * 1024 * 1024 / 4 + 4096, 4096, (byte) 66);
            f.link(1).store.submit(corrupt);
            VerifyReport report = f.store.verify().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(report.error()).isNull();
            assertThat(report.bytesCompared()).isEqualTo(Fixture.CAPACITY);
            assertThat(report.replicas()).extracting(VerifyReport.Replica::brick).containsExactly("b1", "b2");
            assertThat(report.replicas().get(0).differing()).isEmpty();
            long chunk = 4 * REGION;
            long at = (3 * 1024 * 1024 / 4 + 4096) / chunk * chunk;
            assertThat(report.replicas().get(1).differing()).containsExactly(new VerifyReport.Range(at, chunk));
            assertThat(report.identical()).isFalse();
        }
    }

    @Test
    void shouldAllocateNoFanOutBeyondThePoolForOperationsWithinIt() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            for (int i = 0; i < 1000; i++) {
                assertThat(f.write((long) (i % 256) * 4096, 4096, i)).isEqualTo(IoStatus.OK);
            }
            assertThat(f.store.poolMisses()).isZero();
            assertThat(List.of(Fixture.contents(f.link(0).store), Fixture.contents(f.link(1).store)))
                    .allSatisfy(b -> assertThat(b).isEqualTo(Fixture.contents(f.local)));
        }
    }

    @Test
    void shouldResyncAReplicaWhosePlanArrivedBeforeItsDropWasAnswered() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.store.apply(f.plan());
            CompletableFuture<Long> record = new CompletableFuture<>();
            f.recorder.heldDrop = record;
            f.link(0).mode = FakeLink.Mode.FAIL;
            HostIo w = HostIo.write(2 * REGION, 4096, 1);
            f.store.submit(w);
            assertThat(f.store.apply(f.plan(f.link(0)))).isTrue();
            f.link(0).mode = FakeLink.Mode.ANSWER;
            record.complete(f.recorder.revision.incrementAndGet());
            assertThat(w.await()).isEqualTo(IoStatus.OK);
            Fixture.waitFor("resync of b1", () -> f.resyncDone("b1"));
            assertThat(f.progress("b1").bytesCopied()).isEqualTo(REGION);
            assertThat(Fixture.contents(f.link(0).store)).isEqualTo(Fixture.contents(f.local));
        }
    }

    @Test
    void shouldCopyNoFasterThanTheResyncRate() throws Exception {
        try (Fixture f = new Fixture(1, FakeLink.INLINE, s -> s.withResyncBytesPerSecond(4L * 1024 * 1024).withFinalRegions(4))) {
            long started = System.nanoTime();
            f.store.apply(f.plan(f.link(0)));
            Fixture.waitFor("full resync", () -> f.resyncDone("b1"));
            long elapsed = System.nanoTime() - started;
            // 1 MiB at 4 MiB/s is 250 ms; the final copies (at most finalRegions) go unpaced with writes parked.
            long paced = Fixture.CAPACITY - 4L * REGION;
            System.out.printf("full resync of %d bytes at a 4 MiB/s limit: %.0f ms%n", Fixture.CAPACITY, elapsed / 1e6);
            assertThat(elapsed).isGreaterThanOrEqualTo(paced * 1_000_000_000L / (4L * 1024 * 1024) - 20_000_000L);
        }
    }

    @Test
    void shouldAllocateNothingPerWriteOrRead() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            ReusedIo write = new ReusedIo(io.basalt.block.BlockIo.OP_WRITE, 4096);
            ReusedIo read = new ReusedIo(io.basalt.block.BlockIo.OP_READ, 4096);
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 20_000; i++) {
                write.submitTo(f.store, i);
                read.submitTo(f.store, i);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                write.submitTo(f.store, i);
                read.submitTo(f.store, i);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated by 20,000 operations").isLessThan(4096);
            assertThat(write.status).isEqualTo(IoStatus.OK);
            assertThat(read.status).isEqualTo(IoStatus.OK);
        }
    }

    @Test
    void shouldTryTheReplicaAgainWhenANewPlanFollowsARefusedDrop() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.store.apply(f.plan());
            f.recorder.refuse = true;
            f.link(0).mode = FakeLink.Mode.FAIL;
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.PATH_UNAVAILABLE);
            f.recorder.refuse = false;
            f.link(0).mode = FakeLink.Mode.ANSWER;
            assertThat(f.store.apply(f.plan())).isTrue();
            assertThat(f.write(0, 4096, 2)).isEqualTo(IoStatus.OK);
            assertThat(Fixture.contents(f.link(0).store)[0]).isEqualTo((byte) 2);
        }
    }

    @Test
    void shouldNotRejoinAReplicaThatRefusesTheResyncsEpoch() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.link(0).fence.admit(EPOCH + 1);
            f.store.apply(f.plan(f.link(0)));
            Fixture.waitFor("a failed resync", () -> f.events.stream().anyMatch(e -> e.contains("deposed")));
            assertThat(f.recorder.rejoins).isEmpty();
            assertThat(f.progress("b1").regionsRemaining()).as("tracking kept").isEqualTo(Fixture.CAPACITY / REGION);
        }
    }

    @Test
    void shouldCancelTheResyncWhenTheBrickIsNoLongerPrimary() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.link(0).connected = false;
            f.store.apply(f.plan(f.link(0)));
            List<ResyncProgress> before = f.store.resyncs();
            assertThat(before).hasSize(1);
            f.store.apply(ReplicaPlan.secondary(EPOCH + 1, f.recorder.revision.get() + 1));
            Fixture.waitFor("cancelled", () -> f.events.contains("resync cancelled b1"));
            assertThat(f.store.resyncs()).isEmpty();
            assertThat(f.write(0, 4096, 1)).isEqualTo(IoStatus.PATH_UNAVAILABLE);
        }
    }

    @Test
    void shouldReportAReplicaWhoseReadsFail() throws Exception {
        try (Fixture f = new Fixture(2)) {
            f.store.apply(f.plan());
            f.link(0).mode = FakeLink.Mode.FAIL;
            VerifyReport report = f.store.verify().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(report.replicas().get(0).error()).contains("failed");
            assertThat(report.replicas().get(1).error()).isNull();
            assertThat(report.identical()).isFalse();
        }
    }

    @Test
    void shouldMarkEveryDeallocatedRangeForAReplicaOutOfSync() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.store.apply(f.plan());
            assertThat(f.write(REGION, 4096, 1)).isEqualTo(IoStatus.OK);
            f.link(0).mode = FakeLink.Mode.FAIL;
            f.link(0).connected = false;
            HostIo trim = HostIo.deallocate(REGION, 4096, 10L * REGION, 2L * REGION);
            f.store.submit(trim);
            assertThat(trim.await()).isEqualTo(IoStatus.OK);
            f.store.apply(f.plan(f.link(0)));
            assertThat(f.progress("b1").regionsRemaining()).isEqualTo(3);
            f.link(0).mode = FakeLink.Mode.ANSWER;
            f.link(0).connected = true;
            Fixture.waitFor("resync of b1", () -> f.resyncDone("b1"));
            assertThat(Fixture.contents(f.link(0).store)).isEqualTo(Fixture.contents(f.local));
        }
    }

    /** One host operation object reused for every submit, as the target's pooled requests are. */
    private static final class ReusedIo implements io.basalt.block.BlockIo {
        private final int op;
        private final io.netty.buffer.ByteBuf buffer;
        private long offset;
        int status = -1;

        ReusedIo(int op, int length) {
            this.op = op;
            this.buffer = io.netty.buffer.Unpooled.buffer(length, length);
            if (op == OP_WRITE) {
                buffer.writerIndex(length);
            }
        }

        void submitTo(ReplicatedStore store, int i) {
            offset = (long) (i % 256) * buffer.capacity();
            if (op == OP_READ) {
                buffer.clear();
            }
            status = -1;
            store.submit(this);
            if (status != IoStatus.OK) {
                throw new AssertionError("status " + status);
            }
        }

        @Override
        public int op() {
            return op;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public int length() {
            return buffer.capacity();
        }

        @Override
        public io.netty.buffer.ByteBuf buffer() {
            return buffer;
        }

        @Override
        public boolean fua() {
            return false;
        }

        @Override
        public void complete(int ioStatus) {
            status = ioStatus;
        }
    }

    @Test
    void shouldResyncAFormerPrimaryWithOnlyTheWritesOfAnEpochItSawBegin() throws Exception {
        try (Fixture f = new Fixture(1)) {
            f.link(0).connected = false;
            // A secondary under the epoch before, then the primary: it tracked the epoch from its start.
            f.store.apply(ReplicaPlan.secondary(Fixture.EPOCH - 1, f.recorder.revision.get()));
            f.store.apply(new ReplicaPlan(true, Fixture.EPOCH, List.of(), List.of(f.link(0)), f.recorder.revision.get(),
                    "b1"));
            assertThat(f.write(3 * REGION, 4096, 3)).isEqualTo(IoStatus.OK);
            assertThat(f.write(9 * REGION, 4096, 9)).isEqualTo(IoStatus.OK);
            f.link(0).connected = true;
            Fixture.waitFor("resync of b1", () -> f.resyncDone("b1"));
            assertThat(f.progress("b1").bytesCopied()).isEqualTo(2L * REGION);
        }
    }

    @Test
    void shouldCopyAFormerPrimaryWholeWhenThisStoreDidNotSeeTheEpochBegin() throws Exception {
        try (Fixture f = new Fixture(1)) {
            // First plan already primary (this brick restarted mid-epoch): writes of the epoch before it
            // opened may be missing on the former primary, so everything goes.
            f.store.apply(new ReplicaPlan(true, Fixture.EPOCH, List.of(), List.of(f.link(0)), f.recorder.revision.get(),
                    "b1"));
            Fixture.waitFor("resync of b1", () -> f.resyncDone("b1"));
            assertThat(f.progress("b1").regionsTotal()).isEqualTo(Fixture.CAPACITY / REGION);
        }
    }

    @Test
    void shouldNotRejoinASilentReplicaEvenWithNothingToCopy() throws Exception {
        try (Fixture f = new Fixture(1)) {
            // A former primary frozen: its socket takes what is sent, it answers nothing.
            f.link(0).mode = FakeLink.Mode.HOLD;
            f.store.apply(ReplicaPlan.secondary(Fixture.EPOCH - 1, f.recorder.revision.get()));
            f.store.apply(new ReplicaPlan(true, Fixture.EPOCH, List.of(), List.of(f.link(0)), f.recorder.revision.get(),
                    "b1"));
            Thread.sleep(1_000);
            assertThat(f.recorder.rejoins).as("no answer, no rejoin").isEmpty();
            assertThat(f.write(0, 4096, 1)).as("writes go on without it").isEqualTo(IoStatus.OK);
        }
    }
}
