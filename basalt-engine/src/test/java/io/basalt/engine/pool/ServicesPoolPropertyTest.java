package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.checkpoint.BackgroundCheckpoint;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.device.GatedDevice;
import io.basalt.engine.services.CompressionAlgorithm;
import io.basalt.engine.services.KeyEncryptionKey;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model-based, through the Pool, for every combination of data services (compression off/lz4/zstd
 * × dedup × encryption): writes of realistic data (random, text, zeros, half-and-half, and a few
 * recurring blocks so dedup finds duplicates), overwrites, trims, write-zeroes, reads, cleaning on
 * a small pool, background checkpoints running under the next ops, power cuts with torn writes
 * (also while a background checkpoint is held in flight) and reopens, volumes deleted and created again, all
 * checked against byte arrays. Two of the three volumes have 4 KiB blocks, so dedup shares blocks
 * between volumes, and deleting one must leave the other's intact. At the end every volume is
 * deleted: the pool's live bytes must return to 0, which catches any reference count or space
 * accounting that drifted.
 */
class ServicesPoolPropertyTest {
    /** Two 1 MiB devices of 64 KiB segments: cleaning runs often. A small dedup index that can fill. */
    private static final PoolConfig CONFIG = new PoolConfig(64 * 1024, 1 << 20, 512 * 1024, 0.95, 0.01, 0.02,
            4096, 4).withDedupIndexBytes(4096);
    private static final KeyEncryptionKey KEK = KeyEncryptionKey.generate(new SecureRandom());
    private static final String[] NAMES = {"four", "half", "other"};
    private static final int[] BLOCK_SIZES = {4096, 512, 4096};
    private static final int[] BLOCKS = {64, 256, 48};
    private static final String[] WORDS = {"block ", "storage ", "the ", "engine ", "log ", "segment ", "of ",
            "volume ", "\n", "public final class ", "{ return x; }\n"};

    sealed interface Op permits Write, Trim, Zero, Read, Clean, Churn, Crash, Reopen, Recreate, StartCheckpoint,
            CrashInCheckpoint {
    }

    record Write(int volume, int block, int count, long seed, int kind) implements Op {
    }

    record Trim(int volume, int block, int count) implements Op {
    }

    record Zero(int volume, int block, int count) implements Op {
    }

    record Read(int volume, int block, int count) implements Op {
    }

    record Clean(int segments) implements Op {
    }

    record Churn(int volume, long seed) implements Op {
    }

    record Crash(long seed, boolean tear) implements Op {
    }

    /** Starts a background checkpoint and goes on with the next op while it is written. */
    record StartCheckpoint() implements Op {
    }

    /** Holds a background checkpoint at its device operation {@code at}, writes {@code writes} times, cuts the power. */
    record CrashInCheckpoint(long seed, boolean tear, int at, int writes) implements Op {
    }

    record Reopen() implements Op {
    }

    /** Deletes the volume and creates it again, empty. */
    record Recreate(int volume) implements Op {
    }

    @Property(tries = 20)
    void shouldReadWhatTheModelHoldsUnderEveryCombinationOfServices(
            @ForAll("ops") @Size(min = 5, max = 30) List<Op> ops) throws IOException {
        for (CompressionAlgorithm compression : CompressionAlgorithm.values()) {
            for (boolean dedup : new boolean[]{false, true}) {
                for (boolean encrypted : new boolean[]{false, true}) {
                    run(new VolumeOptions(compression, dedup, encrypted), ops);
                }
            }
        }
    }

    private static void run(VolumeOptions options, List<Op> ops) throws IOException {
        List<FaultyDevice> devices = List.of(new FaultyDevice("a", 1 << 20), new FaultyDevice("b", 1 << 20));
        GatedDevice gate = new GatedDevice(devices.get(0), BackgroundCheckpoint.THREAD_PREFIX);
        List<BlockDevice> inOrder = List.of(gate, devices.get(1));
        byte[][] model = new byte[NAMES.length][];
        Pool pool = Pool.create(new ArrayList<>(inOrder), CONFIG, KEK);
        EngineBlockStore[] volumes = new EngineBlockStore[NAMES.length];
        for (int v = 0; v < NAMES.length; v++) {
            model[v] = new byte[BLOCKS[v] * BLOCK_SIZES[v]];
            volumes[v] = pool.createVolume(NAMES[v], model[v].length, BLOCK_SIZES[v], false, options);
        }
        try {
            for (Op op : ops) {
                switch (op) {
                    case Write w -> write(volumes[w.volume()], model[w.volume()], w.block(), w.count(), w.seed(),
                            w.kind());
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
                    case Read r -> check(volumes[r.volume()], model[r.volume()], r.block(), r.count(), options);
                    case Clean c -> pool.clean(c.segments());
                    case Churn c -> {
                        Random random = new Random(c.seed());
                        int blocks = BLOCKS[c.volume()];
                        for (int i = 0; i < 150; i++) {
                            write(volumes[c.volume()], model[c.volume()], random.nextInt(blocks), 1, random.nextLong(),
                                    random.nextInt(5));
                        }
                    }
                    case Crash c -> {
                        pool.halt();
                        Random random = new Random(c.seed());
                        for (FaultyDevice d : devices) {
                            d.powerCut(random, c.tear());
                            d.powerOn();
                        }
                        pool = Pool.open(new ArrayList<>(inOrder), CONFIG, KEK);
                        volumes = volumes(pool);
                    }
                    case StartCheckpoint c -> pool.startCheckpoint();
                    case CrashInCheckpoint c -> {
                        InFlightCheckpoint.hold(pool, gate, c.at());
                        Random random = new Random(c.seed());
                        for (int i = 0; i < c.writes() && InFlightCheckpoint.roomForWrites(pool); i++) {
                            int v = random.nextInt(NAMES.length);
                            int count = 1 + random.nextInt(4);
                            write(volumes[v], model[v], random.nextInt(BLOCKS[v] - count), count, random.nextLong(),
                                    random.nextInt(5));
                        }
                        InFlightCheckpoint.cut(pool, gate, devices, random, c.tear());
                        pool = Pool.open(new ArrayList<>(inOrder), CONFIG, KEK);
                        volumes = volumes(pool);
                    }
                    case Reopen r -> {
                        pool.close();
                        pool = Pool.open(new ArrayList<>(List.<BlockDevice>of(devices.get(1), gate)), CONFIG,
                                KEK);
                        volumes = volumes(pool);
                    }
                    case Recreate r -> {
                        pool.deleteVolume(NAMES[r.volume()]);
                        volumes[r.volume()] = pool.createVolume(NAMES[r.volume()], model[r.volume()].length,
                                BLOCK_SIZES[r.volume()], false, options);
                        Arrays.fill(model[r.volume()], (byte) 0);
                    }
                }
            }
            for (int v = 0; v < NAMES.length; v++) {
                check(volumes[v], model[v], 0, BLOCKS[v], options);
                assertThat(volumes[v].options()).isEqualTo(options);
                VolumeUsage usage = volumes[v].usage();
                // A volume is charged for the extents its writes created: physical ≤ stored always.
                assertThat(usage.physicalBytes()).as(options + " physical ≤ stored").isLessThanOrEqualTo(usage.storedBytes());
                if (!options.dedup()) {
                    assertThat(usage.storedBytes()).isEqualTo(usage.mappedBytes());
                }
                if (options.compression() == CompressionAlgorithm.OFF) {
                    assertThat(usage.physicalBytes()).isEqualTo(usage.storedBytes());
                }
            }
            PoolStats stats = pool.stats();
            assertThat(stats.checksumErrors()).isZero();
            assertThat(stats.liveBytes()).isLessThanOrEqualTo(stats.storedBytes());
            assertThat(stats.storedBytes()).isLessThanOrEqualTo(stats.mappedBytes());
            for (String name : NAMES) {
                pool.deleteVolume(name);
            }
            PoolStats empty = pool.stats();
            assertThat(empty.liveBytes()).as(options + ": live bytes after deleting every volume").isZero();
            assertThat(empty.storedBytes()).isZero();
        } finally {
            pool.close();
        }
    }

    private static EngineBlockStore[] volumes(Pool pool) throws IOException {
        EngineBlockStore[] volumes = new EngineBlockStore[NAMES.length];
        for (int v = 0; v < NAMES.length; v++) {
            volumes[v] = pool.volume(NAMES[v]);
        }
        return volumes;
    }

    /** Test data of a kind: 0 random, 1 text, 2 zeros, 3 one of a few recurring blocks, 4 half text half random. */
    static byte[] data(int length, long seed, int kind) {
        byte[] b = new byte[length];
        Random random = new Random(seed);
        switch (kind) {
            case 0 -> random.nextBytes(b);
            case 1 -> text(b, 0, length, random);
            case 2 -> { }
            case 3 -> {
                Random recurring = new Random(Math.floorMod(seed, 3));
                text(b, 0, length, recurring);
            }
            default -> {
                text(b, 0, length / 2, random);
                byte[] noise = new byte[length - length / 2];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, b, length / 2, noise.length);
            }
        }
        return b;
    }

    private static void text(byte[] b, int from, int to, Random random) {
        int at = from;
        while (at < to) {
            byte[] w = WORDS[random.nextInt(WORDS.length)].getBytes(StandardCharsets.US_ASCII);
            int n = Math.min(w.length, to - at);
            System.arraycopy(w, 0, b, at, n);
            at += n;
        }
    }

    private static void write(EngineBlockStore v, byte[] model, int block, int count, long seed, int kind) {
        int bs = v.blockSize();
        byte[] data = new byte[count * bs];
        for (int i = 0; i < count; i++) {
            System.arraycopy(data(bs, seed + i, kind), 0, data, i * bs, bs);
        }
        assertThat(TestIo.write((long) block * bs, data).runOn(v)).isEqualTo(IoStatus.OK);
        System.arraycopy(data, 0, model, block * bs, data.length);
    }

    private static void check(EngineBlockStore v, byte[] model, int block, int count, VolumeOptions options) {
        int bs = v.blockSize();
        TestIo r = TestIo.read((long) block * bs, count * bs);
        assertThat(r.runOn(v)).as(options.toString()).isEqualTo(IoStatus.OK);
        assertThat(r.data()).as(options.toString()).isEqualTo(Arrays.copyOfRange(model, block * bs, (block + count) * bs));
    }

    private static int fit(int volume, int count) {
        return Math.min(count, BLOCKS[volume] / 2);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> volume = Arbitraries.integers().between(0, NAMES.length - 1);
        Arbitrary<Op> write = Combinators.combine(volume, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 12), Arbitraries.longs(), Arbitraries.integers().between(0, 4))
                .as((v, b, c, s, k) -> new Write(v, b % (BLOCKS[v] - fit(v, c)), fit(v, c), s, k));
        Arbitrary<Op> trim = Combinators.combine(volume, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 64)).as((v, b, c) -> new Trim(v, b % (BLOCKS[v] - fit(v, c)), fit(v, c)));
        Arbitrary<Op> zero = Combinators.combine(volume, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 8)).as((v, b, c) -> new Zero(v, b % (BLOCKS[v] - fit(v, c)), fit(v, c)));
        Arbitrary<Op> read = Combinators.combine(volume, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 32)).as((v, b, c) -> new Read(v, b % (BLOCKS[v] - fit(v, c)), fit(v, c)));
        Arbitrary<Op> clean = Arbitraries.integers().between(1, 4).map(Clean::new);
        Arbitrary<Op> churn = Combinators.combine(volume, Arbitraries.longs()).as(Churn::new);
        Arbitrary<Op> crash = Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false)).as(Crash::new);
        Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
        Arbitrary<Op> recreate = volume.map(Recreate::new);
        Arbitrary<Op> startCheckpoint = Arbitraries.just(new StartCheckpoint());
        Arbitrary<Op> crashInCheckpoint = Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, InFlightCheckpoint.OPERATIONS - 1), Arbitraries.integers().between(0, 20))
                .as(CrashInCheckpoint::new);
        return Arbitraries.frequencyOf(Tuple.of(10, write), Tuple.of(3, trim), Tuple.of(2, zero), Tuple.of(6, read),
                Tuple.of(2, clean), Tuple.of(2, churn), Tuple.of(3, crash), Tuple.of(1, reopen),
                Tuple.of(1, recreate), Tuple.of(2, startCheckpoint), Tuple.of(1, crashInCheckpoint)).list();
    }
}
