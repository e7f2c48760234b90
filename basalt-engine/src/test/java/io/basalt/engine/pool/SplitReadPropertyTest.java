package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.FaultyDevice;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model-based, for reads split over reader threads ({@link Readers}, {@link ReadJoin}): random
 * scattered writes (so a range lies in many runs), trims (holes that read as zeroes) and cleaning
 * (which moves blocks while reads are resolved), then bursts of long reads submitted together and
 * served by four readers at once, each checked against byte arrays — on a 4 KiB and a 512-byte
 * volume, the second holding several blocks per device page.
 */
class SplitReadPropertyTest {
    /** 64 KiB segments on 2 MiB: cleaning runs often; four readers, so reads split up to four ways. */
    private static final PoolConfig CONFIG = PoolConfig.defaults().withSegmentSize(64 * 1024).withReadThreads(4);
    private static final int[] BLOCK_SIZES = {4096, 512};
    private static final int[] BLOCKS = {96, 384};

    sealed interface Op permits Write, Trim, Reads, Clean {
    }

    record Write(int volume, int block, int count, long seed) implements Op {
    }

    record Trim(int volume, int block, int count) implements Op {
    }

    /** Reads submitted together, each {@code (block, count)}, then awaited. */
    record Reads(int volume, List<int[]> ranges) implements Op {
    }

    record Clean(int segments) implements Op {
    }

    @Property(tries = 60)
    void shouldReadWhatTheModelHoldsWhenReadsAreSplit(@ForAll("ops") @Size(min = 5, max = 40) List<Op> ops)
            throws IOException {
        try (Pool pool = Pool.create(List.of(new FaultyDevice("d", 2 << 20)), CONFIG)) {
            byte[][] model = {new byte[BLOCKS[0] * BLOCK_SIZES[0]], new byte[BLOCKS[1] * BLOCK_SIZES[1]]};
            EngineBlockStore[] volumes = {
                    pool.createVolume("four", model[0].length, 4096, false),
                    pool.createVolume("half", model[1].length, 512, false)};
            for (Op op : ops) {
                switch (op) {
                    case Write w -> write(volumes[w.volume()], model[w.volume()], w.block(), w.count(), w.seed());
                    case Trim t -> {
                        int bs = BLOCK_SIZES[t.volume()];
                        assertThat(TestIo.deallocate((long) t.block() * bs, (long) t.count() * bs)
                                .runOn(volumes[t.volume()])).isEqualTo(IoStatus.OK);
                        Arrays.fill(model[t.volume()], t.block() * bs, (t.block() + t.count()) * bs, (byte) 0);
                    }
                    case Reads r -> read(volumes[r.volume()], model[r.volume()], r.ranges());
                    case Clean c -> pool.clean(c.segments());
                }
            }
            for (int v = 0; v < 2; v++) {
                read(volumes[v], model[v], List.<int[]>of(new int[]{0, BLOCKS[v]}));
            }
            assertThat(pool.stats().checksumErrors()).isZero();
        }
    }

    private static void write(EngineBlockStore v, byte[] model, int block, int count, long seed) {
        int bs = v.blockSize();
        byte[] data = new byte[count * bs];
        new Random(seed).nextBytes(data);
        assertThat(TestIo.write((long) block * bs, data).runOn(v)).isEqualTo(IoStatus.OK);
        System.arraycopy(data, 0, model, block * bs, data.length);
    }

    private static void read(EngineBlockStore v, byte[] model, List<int[]> ranges) {
        int bs = v.blockSize();
        List<TestIo> ios = new ArrayList<>();
        for (int[] range : ranges) {
            TestIo io = TestIo.read((long) range[0] * bs, range[1] * bs);
            v.submit(io);
            ios.add(io);
        }
        for (int i = 0; i < ios.size(); i++) {
            int[] range = ranges.get(i);
            assertThat(ios.get(i).await()).isEqualTo(IoStatus.OK);
            assertThat(ios.get(i).data()).as("blocks %d+%d", range[0], range[1])
                    .isEqualTo(Arrays.copyOfRange(model, range[0] * bs, (range[0] + range[1]) * bs));
        }
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> volume = Arbitraries.integers().between(0, 1);
        Arbitrary<Op> write = Combinators.combine(volume, Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(1, 4), Arbitraries.longs())
                .as((v, b, c, s) -> new Write(v, b % (BLOCKS[v] - c), c, s));
        Arbitrary<Op> trim = Combinators.combine(volume, Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(1, 8)).as((v, b, c) -> new Trim(v, b % (BLOCKS[v] - c), c));
        Arbitrary<int[]> range = Combinators.combine(Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(2, 64)).as((b, c) -> new int[]{b, c});
        Arbitrary<Op> reads = Combinators.combine(volume, range.list().ofMinSize(1).ofMaxSize(6))
                .as((v, rs) -> new Reads(v, rs.stream().map(r -> new int[]{r[0] % (BLOCKS[v] - r[1]), r[1]}).toList()));
        Arbitrary<Op> clean = Arbitraries.integers().between(1, 4).map(Clean::new);
        return Arbitraries.frequencyOf(Tuple.of(10, write), Tuple.of(2, trim), Tuple.of(6, reads), Tuple.of(2, clean))
                .list();
    }
}
