package io.basalt.replication;

import io.basalt.block.IoStatus;
import org.junit.jupiter.api.RepeatedTest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four host threads write while one replica fails, is dropped, comes back and is resynced, with the
 * links answering on threads of their own: every write is acknowledged (the drop is recorded), and
 * in the end both replicas equal the primary.
 */
class ReplicatedStoreConcurrencyTest {
    private static final int WRITERS = 4;
    private static final int SLICE = (int) (Fixture.CAPACITY / WRITERS);

    @RepeatedTest(10)
    void shouldLoseNoWriteWhileAReplicaFailsAndResyncs() throws Exception {
        ExecutorService answers = Executors.newFixedThreadPool(2);
        try (Fixture f = new Fixture(2, answers)) {
            f.store.apply(f.plan());
            AtomicInteger failures = new AtomicInteger();
            AtomicInteger written = new AtomicInteger();
            AtomicInteger stopAfter = new AtomicInteger(Integer.MAX_VALUE);
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                int slice = t;
                writers.add(Thread.ofPlatform().name("writer-" + t).start(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    for (int i = 0; written.get() < stopAfter.get() && System.nanoTime() < deadline; i++) {
                        long offset = (long) slice * SLICE + (long) (i * 7 % (SLICE / 4096)) * 4096;
                        try {
                            if (f.write(offset, 4096, i + slice) != IoStatus.OK) {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                        written.incrementAndGet();
                    }
                }));
            }
            Fixture.waitFor("some writes", () -> written.get() > 200);
            FakeLink b2 = f.link(1);
            b2.connected = false;
            b2.mode = FakeLink.Mode.FAIL;
            Fixture.waitFor("the drop of b2", () -> f.events.contains("dropped b2 true"));
            assertThat(f.store.apply(f.plan(b2))).isTrue();
            Fixture.waitFor("more writes", () -> written.get() > 600);
            b2.mode = FakeLink.Mode.ANSWER;
            b2.connected = true;
            Fixture.waitFor("resync of b2", () -> f.resyncDone("b2"));
            assertThat(f.store.apply(f.plan())).isTrue();
            stopAfter.set(written.get() + 400);
            for (Thread w : writers) {
                w.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(w.isAlive()).isFalse();
            }
            assertThat(failures.get()).isZero();
            byte[] primary = Fixture.contents(f.local);
            assertThat(Fixture.contents(f.link(0).store)).isEqualTo(primary);
            assertThat(Fixture.contents(b2.store)).isEqualTo(primary);
            assertThat(f.recorder.drops).containsExactly("b2");
            ResyncProgress p = f.progress("b2");
            System.out.printf("writes %d, resync copied %d bytes, write pause %.3f ms%n",
                    written.get(), p.bytesCopied(), p.lastPauseNanos() / 1e6);
        } finally {
            answers.shutdownNow();
            assertThat(answers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @RepeatedTest(3)
    void shouldFindNoDifferenceWhileWritesGoOn() throws Exception {
        ExecutorService answers = Executors.newFixedThreadPool(2);
        try (Fixture f = new Fixture(2, answers)) {
            f.store.apply(f.plan());
            AtomicInteger failures = new AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                int slice = t;
                writers.add(Thread.ofPlatform().name("writer-" + t).start(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                    for (int i = 0; !stop.get() && System.nanoTime() < deadline; i++) {
                        try {
                            if (f.write((long) slice * SLICE + (long) (i % (SLICE / 4096)) * 4096, 4096, i) != IoStatus.OK) {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                }));
            }
            try {
                for (int run = 0; run < 3; run++) {
                    VerifyReport report = f.store.verify().get(20, TimeUnit.SECONDS);
                    assertThat(report.identical()).as("report %s", report).isTrue();
                    assertThat(report.bytesCompared()).isEqualTo(Fixture.CAPACITY);
                }
            } finally {
                stop.set(true);
                for (Thread w : writers) {
                    w.join(TimeUnit.SECONDS.toMillis(30));
                }
            }
            assertThat(failures.get()).isZero();
        } finally {
            answers.shutdownNow();
            assertThat(answers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
    }
}
