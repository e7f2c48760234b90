package io.basalt.replication;

import io.basalt.block.testing.HostIo;
import io.basalt.block.IoStatus;
import io.basalt.block.testing.MemoryBlockStore;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of writes, write-zeroes, flushes, replica failures and resyncs on a primary with
 * two replicas, against a model of the volume: every acknowledged write is on every in-sync replica,
 * a dropped replica's changed-region count is exactly the distinct regions written since it failed,
 * and a resync copies exactly those and leaves the replica equal to the primary byte for byte.
 */
class ReplicatedStorePropertyTest {
    private static final int BLOCK = 4096;
    private static final int CAPACITY = 256 * 1024;
    private static final int REGION = 8 * 1024;
    private static final long EPOCH = 3;
    private static final int REPLICAS = 2;

    enum Kind { WRITE, ZEROES, FLUSH, FAIL, RESYNC }

    record Op(Kind kind, int replica, int block, int blocks, int fill) {
    }

    enum State { IN, FAILING, OUT }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Op> op = Combinators.combine(
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(10, Arbitraries.just(Kind.WRITE)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.ZEROES)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.FLUSH)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.FAIL)),
                        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.RESYNC))),
                Arbitraries.integers().between(0, REPLICAS - 1),
                Arbitraries.integers().between(0, CAPACITY / BLOCK - 1),
                Arbitraries.integers().between(1, 4),
                Arbitraries.integers().between(1, 255)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(40);
    }

    @Property(tries = 60)
    void replicasHoldEveryAcknowledgedWriteAndResyncOnlyWhatChanged(@ForAll("ops") List<Op> ops) throws Exception {
        byte[] model = new byte[CAPACITY];
        FakeRecorder recorder = new FakeRecorder();
        List<FakeLink> links = new ArrayList<>();
        State[] states = new State[REPLICAS];
        List<Set<Long>> sinceFailure = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            links.add(new FakeLink("r" + i, CAPACITY, EPOCH));
            states[i] = State.IN;
            sinceFailure.add(new HashSet<>());
        }
        ReplicationSettings settings = ReplicationSettings.defaults().withRegionBytes(REGION).withCopyBytes(4 * REGION)
                .withRetryInterval(Duration.ofMillis(2)).withPoolSize(8);
        MemoryBlockStore local = new MemoryBlockStore(CAPACITY, BLOCK);
        AtomicBoolean authority = new AtomicBoolean(true);
        try (ReplicatedStore store = new ReplicatedStore("p", local, new EpochFence(EPOCH), authority::get, recorder,
                settings, ReplicationListener.NONE)) {
            store.apply(plan(links, states, recorder));
            for (Op op : ops) {
                int dropsBefore = recorder.drops.size();
                switch (op.kind()) {
                    case WRITE, ZEROES -> {
                        long offset = (long) op.block() * BLOCK;
                        int length = Math.min(op.blocks() * BLOCK, CAPACITY - (int) offset);
                        HostIo io = op.kind() == Kind.WRITE ? HostIo.write(offset, length, op.fill())
                                : HostIo.zeroes(offset, length);
                        store.submit(io);
                        assertThat(io.await()).isEqualTo(IoStatus.OK);
                        Arrays.fill(model, (int) offset, (int) offset + length,
                                op.kind() == Kind.WRITE ? (byte) op.fill() : 0);
                        for (int i = 0; i < REPLICAS; i++) {
                            if (states[i] != State.IN) {
                                for (long r = offset / REGION; r <= (offset + length - 1) / REGION; r++) {
                                    sinceFailure.get(i).add(r);
                                }
                            }
                        }
                    }
                    case FLUSH -> {
                        HostIo io = HostIo.flush();
                        store.submit(io);
                        assertThat(io.await()).isEqualTo(IoStatus.OK);
                    }
                    case FAIL -> {
                        int i = op.replica();
                        if (states[i] == State.IN) {
                            links.get(i).mode = FakeLink.Mode.FAIL;
                            links.get(i).connected = false;
                            states[i] = State.FAILING;
                            sinceFailure.get(i).clear();
                        }
                    }
                    case RESYNC -> resync(store, links, states, sinceFailure, recorder, op.replica(), model);
                }
                if (recorder.drops.size() > dropsBefore) {
                    for (int i = 0; i < REPLICAS; i++) {
                        if (states[i] == State.FAILING && recorder.drops.contains(links.get(i).brick)) {
                            states[i] = State.OUT;
                        }
                    }
                    assertThat(store.apply(plan(links, states, recorder))).isTrue();
                }
                for (int i = 0; i < REPLICAS; i++) {
                    if (states[i] == State.IN) {
                        assertThat(Fixture.contents(links.get(i).store)).as("in-sync replica %d", i).isEqualTo(model);
                    }
                    if (states[i] == State.OUT) {
                        assertThat(progress(store, links.get(i).brick).regionsRemaining())
                                .as("regions changed since replica %d failed", i)
                                .isEqualTo(sinceFailure.get(i).size());
                    }
                }
            }
            assertThat(Fixture.contents(local)).isEqualTo(model);
        }
    }

    private static void resync(ReplicatedStore store, List<FakeLink> links, State[] states, List<Set<Long>> since,
                               FakeRecorder recorder, int i, byte[] model) throws Exception {
        FakeLink link = links.get(i);
        if (states[i] == State.IN) {
            return;
        }
        link.mode = FakeLink.Mode.ANSWER;
        link.connected = true;
        if (states[i] == State.OUT) {
            Fixture.waitFor("resync of " + link.brick, () -> progress(store, link.brick).state() == ResyncProgress.State.DONE);
            assertThat(progress(store, link.brick).bytesCopied()).as("only the changed regions are copied")
                    .isEqualTo((long) since.get(i).size() * REGION);
            assertThat(Fixture.contents(link.store)).as("resynced replica equals the primary").isEqualTo(model);
            states[i] = State.IN;
            assertThat(store.apply(plan(links, states, recorder))).isTrue();
        } else {
            states[i] = State.IN;
        }
    }

    private static ResyncProgress progress(ReplicatedStore store, String brick) {
        return store.resyncs().stream().filter(p -> p.brick().equals(brick)).findFirst().orElseThrow();
    }

    private static ReplicaPlan plan(List<FakeLink> links, State[] states, FakeRecorder recorder) {
        List<ReplicaLink> in = new ArrayList<>();
        List<ReplicaLink> out = new ArrayList<>();
        for (int i = 0; i < links.size(); i++) {
            (states[i] == State.OUT ? out : in).add(links.get(i));
        }
        return new ReplicaPlan(true, EPOCH, in, out, recorder.revision.get());
    }
}
