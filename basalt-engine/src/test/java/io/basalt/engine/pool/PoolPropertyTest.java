package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.checkpoint.BackgroundCheckpoint;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.device.GatedDevice;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model-based: random writes, trims, write-zeroes, reads, flushes, checkpoints (synchronous, and
 * background ones left running under the next ops), cleaning, bursts of overwrites and power cuts
 * (unsynced writes dropped or torn) — also while a background checkpoint is held in flight at one
 * of its device operations with writes going on — on a two-device pool with two volumes (4 KiB
 * and 512-byte blocks), checked against byte arrays. Every write was acknowledged before the cut
 * and the volumes have no volatile cache, so the model never forgets anything.
 */
class PoolPropertyTest {
    /** Two 1 MiB devices of 64 KiB segments (≈ 30) and small checkpoint slots: cleaning runs often. */
    private static final PoolConfig CONFIG = new PoolConfig(64 * 1024, 1 << 20, 512 * 1024, 0.95, 0.01, 0.02,
            4096, 4).withReadThreads(2);
    private static final int[] BLOCK_SIZES = {4096, 512};
    private static final int[] BLOCKS = {64, 256};

    sealed interface Op permits Write, Trim, Zero, Read, Flush, Checkpoint, StartCheckpoint, Clean, Churn, Crash,
            CrashInCheckpoint, Reopen {
    }

    record Write(int volume, int block, int count, long seed) implements Op {
    }

    record Trim(int volume, int block, int count) implements Op {
    }

    record Zero(int volume, int block, int count) implements Op {
    }

    record Read(int volume, int block, int count) implements Op {
    }

    record Flush(int volume) implements Op {
    }

    record Checkpoint() implements Op {
    }

    /** Starts a background checkpoint and goes on with the next op while it is written. */
    record StartCheckpoint() implements Op {
    }

    /** Holds a background checkpoint at its device operation {@code at}, writes {@code writes} times, cuts the power. */
    record CrashInCheckpoint(long seed, boolean tear, int at, int writes) implements Op {
    }

    record Clean(int segments) implements Op {
    }

    record Churn(int volume, long seed) implements Op {
    }

    record Crash(long seed, boolean tear) implements Op {
    }

    record Reopen() implements Op {
    }

    @Property(tries = 40)
    void shouldAlwaysReadWhatTheModelHolds(@ForAll("ops") @Size(min = 5, max = 50) List<Op> ops) throws IOException {
        List<FaultyDevice> devices = List.of(new FaultyDevice("a", 1 << 20), new FaultyDevice("b", 1 << 20));
        // Device 0 holds the checkpoint slots: its gate can hold the checkpoint thread.
        GatedDevice gate = new GatedDevice(devices.get(0), BackgroundCheckpoint.THREAD_PREFIX);
        List<BlockDevice> inOrder = List.of(gate, devices.get(1));
        byte[][] model = {new byte[BLOCKS[0] * BLOCK_SIZES[0]], new byte[BLOCKS[1] * BLOCK_SIZES[1]]};
        Pool pool = Pool.create(new ArrayList<>(inOrder), CONFIG);
        int cutsInFlight = 0;
        EngineBlockStore[] volumes = {
                pool.createVolume("four", model[0].length, 4096, false),
                pool.createVolume("half", model[1].length, 512, false)};
        try {
            for (Op op : ops) {
                switch (op) {
                    case Write w -> write(volumes[w.volume()], model[w.volume()], w.block(), w.count(), w.seed());
                    case Trim t -> {
                        int bs = BLOCK_SIZES[t.volume()];
                        assertThat(TestIo.deallocate((long) t.block() * bs, (long) t.count() * bs)
                                .runOn(volumes[t.volume()])).isEqualTo(IoStatus.OK);
                        Arrays.fill(model[t.volume()], t.block() * bs, (t.block() + t.count()) * bs, (byte) 0);
                    }
                    case Zero z -> {
                        int bs = BLOCK_SIZES[z.volume()];
                        assertThat(TestIo.writeZeroes((long) z.block() * bs, z.count() * bs).runOn(volumes[z.volume()]))
                                .isEqualTo(IoStatus.OK);
                        Arrays.fill(model[z.volume()], z.block() * bs, (z.block() + z.count()) * bs, (byte) 0);
                    }
                    case Read r -> check(volumes[r.volume()], model[r.volume()], r.block(), r.count());
                    case Flush f -> assertThat(TestIo.flush().runOn(volumes[f.volume()])).isEqualTo(IoStatus.OK);
                    case Checkpoint c -> pool.checkpoint();
                    case StartCheckpoint c -> pool.startCheckpoint();
                    case Clean c -> pool.clean(c.segments());
                    case Churn c -> {
                        Random random = new Random(c.seed());
                        int blocks = BLOCKS[c.volume()];
                        for (int i = 0; i < 150; i++) {
                            write(volumes[c.volume()], model[c.volume()], random.nextInt(blocks), 1, random.nextLong());
                        }
                    }
                    case Crash c -> {
                        pool.halt();
                        Random random = new Random(c.seed());
                        for (FaultyDevice d : devices) {
                            d.powerCut(random, c.tear());
                            d.powerOn();
                        }
                        pool = Pool.open(new ArrayList<>(inOrder), CONFIG);
                        volumes = new EngineBlockStore[]{pool.volume("four"), pool.volume("half")};
                    }
                    case CrashInCheckpoint c -> {
                        InFlightCheckpoint.hold(pool, gate, c.at());
                        Random random = new Random(c.seed());
                        for (int i = 0; i < c.writes() && InFlightCheckpoint.roomForWrites(pool); i++) {
                            int v = random.nextInt(2);
                            int count = 1 + random.nextInt(4);
                            write(volumes[v], model[v], random.nextInt(BLOCKS[v] - count), count, random.nextLong());
                        }
                        InFlightCheckpoint.cut(pool, gate, devices, random, c.tear());
                        cutsInFlight++;
                        pool = Pool.open(new ArrayList<>(inOrder), CONFIG);
                        volumes = new EngineBlockStore[]{pool.volume("four"), pool.volume("half")};
                    }
                    case Reopen r -> {
                        pool.close();
                        pool = Pool.open(new ArrayList<>(List.<BlockDevice>of(devices.get(1), gate)), CONFIG);
                        volumes = new EngineBlockStore[]{pool.volume("four"), pool.volume("half")};
                    }
                }
            }
            for (int v = 0; v < 2; v++) {
                check(volumes[v], model[v], 0, BLOCKS[v]);
                long mapped = 0;
                for (int b = 0; b < BLOCKS[v]; b++) {
                    mapped += isZero(model[v], b * BLOCK_SIZES[v], BLOCK_SIZES[v]) ? 0 : BLOCK_SIZES[v];
                }
                // Blocks written with zeros are mapped too, so the model's count is a lower bound.
                assertThat(volumes[v].allocatedBytes()).isGreaterThanOrEqualTo(mapped);
            }
            PoolStats stats = pool.stats();
            assertThat(stats.checksumErrors()).isZero();
            net.jqwik.api.statistics.Statistics.label("segments cleaned (since last open)")
                    .collect(stats.segmentsCleaned() == 0 ? "0" : stats.segmentsCleaned() < 10 ? "1-9" : "10+");
            net.jqwik.api.statistics.Statistics.label("power cuts")
                    .collect(ops.stream().filter(o -> o instanceof Crash).count());
            net.jqwik.api.statistics.Statistics.label("power cuts with a checkpoint in flight").collect(cutsInFlight);
            net.jqwik.api.statistics.Statistics.label("checkpoints (since last open)")
                    .collect(stats.checkpoints() < 3 ? "<3" : stats.checkpoints() < 10 ? "3-9" : "10+");
        } finally {
            pool.close();
        }
    }

    private static void write(EngineBlockStore v, byte[] model, int block, int count, long seed) {
        int bs = v.blockSize();
        byte[] data = new byte[count * bs];
        new Random(seed).nextBytes(data);
        assertThat(TestIo.write((long) block * bs, data).runOn(v)).isEqualTo(IoStatus.OK);
        System.arraycopy(data, 0, model, block * bs, data.length);
    }

    private static void check(EngineBlockStore v, byte[] model, int block, int count) {
        int bs = v.blockSize();
        TestIo r = TestIo.read((long) block * bs, count * bs);
        assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
        assertThat(r.data()).isEqualTo(Arrays.copyOfRange(model, block * bs, (block + count) * bs));
    }

    private static boolean isZero(byte[] b, int from, int length) {
        for (int i = from; i < from + length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** A block count that leaves room in the volume. */
    private static int fit(int volume, int count) {
        return Math.min(count, BLOCKS[volume] / 2);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> volume = Arbitraries.integers().between(0, 1);
        Arbitrary<Op> write = Combinators.combine(volume, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 12), Arbitraries.longs())
                .as((v, b, c, s) -> new Write(v, b % (BLOCKS[v] - fit(v, c)), fit(v, c), s));
        Arbitrary<Op> trim = Combinators.combine(volume, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 64)).as((v, b, c) -> new Trim(v, b % (BLOCKS[v] - fit(v, c)), fit(v, c)));
        Arbitrary<Op> zero = Combinators.combine(volume, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 8)).as((v, b, c) -> new Zero(v, b % (BLOCKS[v] - fit(v, c)), fit(v, c)));
        Arbitrary<Op> read = Combinators.combine(volume, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 32)).as((v, b, c) -> new Read(v, b % (BLOCKS[v] - fit(v, c)), fit(v, c)));
        Arbitrary<Op> flush = volume.map(Flush::new);
        Arbitrary<Op> checkpoint = Arbitraries.just(new Checkpoint());
        Arbitrary<Op> clean = Arbitraries.integers().between(1, 4).map(Clean::new);
        Arbitrary<Op> churn = Combinators.combine(volume, Arbitraries.longs()).as(Churn::new);
        Arbitrary<Op> crash = Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false)).as(Crash::new);
        Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
        Arbitrary<Op> background = Arbitraries.just(new StartCheckpoint());
        Arbitrary<Op> crashInCheckpoint = Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, InFlightCheckpoint.OPERATIONS - 1), Arbitraries.integers().between(0, 20))
                .as(CrashInCheckpoint::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(10, write), net.jqwik.api.Tuple.of(3, trim), net.jqwik.api.Tuple.of(2, zero),
                net.jqwik.api.Tuple.of(6, read), net.jqwik.api.Tuple.of(2, flush),
                net.jqwik.api.Tuple.of(1, checkpoint), net.jqwik.api.Tuple.of(2, clean),
                net.jqwik.api.Tuple.of(2, churn), net.jqwik.api.Tuple.of(4, crash), net.jqwik.api.Tuple.of(1, reopen),
                net.jqwik.api.Tuple.of(2, background), net.jqwik.api.Tuple.of(2, crashInCheckpoint))
                .list();
    }
}
