package io.basalt.engine.file;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random writes, zeroes, deallocations, flushes, reopens and reads against a byte array model, in
 * both block sizes and both I/O modes. Offsets are in blocks, so under O_DIRECT with 512-byte
 * blocks most writes are read-modify-write.
 */
class FileBlockStorePropertyTest {
    private static final int BLOCKS = 96;

    sealed interface Op permits Write, Zero, Deallocate, Read, Reopen {
    }

    record Write(int block, int count, long seed) implements Op {
    }

    record Zero(int block, int count) implements Op {
    }

    record Deallocate(int block, int count, int block2, int count2) implements Op {
    }

    record Read(int block, int count) implements Op {
    }

    record Reopen() implements Op {
    }

    @Property(tries = 100)
    void shouldReadWhatTheModelHolds(@ForAll("blockSizes") int blockSize, @ForAll boolean allowDirect,
                                     @ForAll("ops") @Size(max = 40) List<Op> ops) throws IOException {
        Files.createDirectories(Path.of("target", "tmp"));
        Path dir = Files.createTempDirectory(Path.of("target", "tmp"), "property");
        Path file = dir.resolve("v.img");
        long capacity = (long) BLOCKS * blockSize;
        byte[] model = new byte[(int) capacity];
        FileBlockStore store = FileBlockStore.open(file, capacity, blockSize, allowDirect);
        try {
            for (Op op : ops) {
                switch (op) {
                    case Write w -> {
                        byte[] data = new byte[w.count() * blockSize];
                        new Random(w.seed()).nextBytes(data);
                        assertThat(TestIo.write((long) w.block() * blockSize, data).runOn(store)).isEqualTo(IoStatus.OK);
                        System.arraycopy(data, 0, model, w.block() * blockSize, data.length);
                    }
                    case Zero z -> {
                        assertThat(TestIo.writeZeroes((long) z.block() * blockSize, z.count() * blockSize).runOn(store))
                                .isEqualTo(IoStatus.OK);
                        Arrays.fill(model, z.block() * blockSize, (z.block() + z.count()) * blockSize, (byte) 0);
                    }
                    case Deallocate d -> {
                        assertThat(TestIo.deallocate((long) d.block() * blockSize, (long) d.count() * blockSize,
                                (long) d.block2() * blockSize, (long) d.count2() * blockSize).runOn(store))
                                .isEqualTo(IoStatus.OK);
                        Arrays.fill(model, d.block() * blockSize, (d.block() + d.count()) * blockSize, (byte) 0);
                        Arrays.fill(model, d.block2() * blockSize, (d.block2() + d.count2()) * blockSize, (byte) 0);
                    }
                    case Read r -> assertReads(store, model, r.block() * blockSize, r.count() * blockSize);
                    case Reopen ignored -> {
                        store.close();
                        store = FileBlockStore.open(file, capacity, blockSize, allowDirect);
                    }
                }
            }
            assertReads(store, model, 0, model.length);
        } finally {
            store.close();
            Files.deleteIfExists(file);
            Files.delete(dir);
        }
    }

    private static void assertReads(FileBlockStore store, byte[] model, int offset, int length) {
        TestIo read = TestIo.read(offset, length);
        assertThat(read.runOn(store)).isEqualTo(IoStatus.OK);
        assertThat(read.data()).isEqualTo(Arrays.copyOfRange(model, offset, offset + length));
    }

    @Provide
    Arbitrary<Integer> blockSizes() {
        return Arbitraries.of(512, 4096);
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<int[]> range = Arbitraries.integers().between(0, BLOCKS - 1)
                .flatMap(start -> Arbitraries.integers().between(1, Math.min(24, BLOCKS - start))
                        .map(count -> new int[]{start, count}));
        Arbitrary<Op> write = Combinators.combine(range, Arbitraries.longs())
                .as((r, seed) -> new Write(r[0], r[1], seed));
        Arbitrary<Op> zero = range.map(r -> new Zero(r[0], r[1]));
        Arbitrary<Op> deallocate = Combinators.combine(range, range)
                .as((a, b) -> new Deallocate(a[0], a[1], b[0], b[1]));
        Arbitrary<Op> read = range.map(r -> new Read(r[0], r[1]));
        Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, write), net.jqwik.api.Tuple.of(2, zero),
                net.jqwik.api.Tuple.of(2, deallocate), net.jqwik.api.Tuple.of(3, read),
                net.jqwik.api.Tuple.of(1, reopen)).list();
    }
}
