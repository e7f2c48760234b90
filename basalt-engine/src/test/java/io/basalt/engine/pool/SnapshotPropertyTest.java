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
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

import io.basalt.engine.services.CompressionAlgorithm;
import io.basalt.engine.services.KeyEncryptionKey;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Model-based: random writes, trims, snapshots, clones, rollbacks and deletes of volumes and
 * snapshots in any order, with cleaning (a small pool), checkpoints (background ones run under the
 * next ops), clean reopens and power cuts at random points — also while a background checkpoint
 * is held at one of its device operations with writes going on — against byte arrays. Every snapshot must read back what its volume held when
 * it was taken; live bytes must survive a restart unchanged (the runtime accounting equals the
 * count rebuilt from the maps); and after everything is deleted the pool holds no live byte.
 */
class SnapshotPropertyTest {
    /** Two 1 MiB devices of 64 KiB segments (≈ 28): snapshots pin old blocks, so the cleaner works hard. */
    private static final PoolConfig CONFIG = new PoolConfig(64 * 1024, 1 << 20, 512 * 1024, 0.95, 0.01, 0.02,
            4096, 8);
    /** Volumes the model keeps at most (the pool allows 8, and 4 × 8 images: room for hidden ones). */
    private static final int MAX_VOLUMES = 4;
    private static final int DEVICE = 1 << 20;
    private static final int[] BLOCK_SIZES = {4096, 512};
    private static final int[] BLOCKS = {40, 96};
    private static final int MAX_SNAPSHOTS = 8;
    /** One family with dedup and compression, one encrypted: snapshots share their services. */
    private static final VolumeOptions[] OPTIONS = {new VolumeOptions(CompressionAlgorithm.LZ4, true, false),
            new VolumeOptions(CompressionAlgorithm.OFF, false, true)};
    private static final KeyEncryptionKey KEK = KeyEncryptionKey.generate(new SecureRandom());

    /** A volume or snapshot of the model. */
    static final class Image {
        final int family;
        final int blockSize;
        final String name;
        byte[] data;
        int id;
        EngineBlockStore store;

        Image(int family, int blockSize, String name, byte[] data) {
            this.family = family;
            this.blockSize = blockSize;
            this.name = name;
            this.data = data;
        }
    }

    sealed interface Op permits Write, Trim, Resize, Snap, Clone, Rollback, DeleteSnapshot, DeleteVolume, Verify, Diff,
            Clean, Churn, Checkpoint, StartCheckpoint, Crash, CrashInCheckpoint, Reopen {
    }

    record Write(int volume, int block, int count, long seed) implements Op {
    }

    record Trim(int volume, int block, int count) implements Op {
    }

    /** To {@code percent} of the family's first size (50-150%). */
    record Resize(int volume, int percent) implements Op {
    }

    record Snap(int volume) implements Op {
    }

    record Clone(int snapshot) implements Op {
    }

    record Rollback(int volume, int snapshot) implements Op {
    }

    record DeleteSnapshot(int snapshot) implements Op {
    }

    record DeleteVolume(int volume) implements Op {
    }

    record Verify() implements Op {
    }

    record Diff(int snapshot) implements Op {
    }

    record Clean(int segments) implements Op {
    }

    /** A burst of single-block overwrites: fills segments with garbage so the cleaner has work. */
    record Churn(int volume, long seed) implements Op {
    }

    record Checkpoint() implements Op {
    }

    /** Starts a background checkpoint and goes on with the next op while it is written. */
    record StartCheckpoint() implements Op {
    }

    /** Holds a background checkpoint at its device operation {@code at}, writes {@code writes} times, cuts the power. */
    record CrashInCheckpoint(long seed, boolean tear, int at, int writes) implements Op {
    }

    record Crash(long seed, boolean tear) implements Op {
    }

    record Reopen() implements Op {
    }

    private final List<Image> volumes = new ArrayList<>();
    private final List<Image> snapshots = new ArrayList<>();
    private List<FaultyDevice> devices;
    /** Device 0 (the checkpoint slots) behind a gate that can hold the checkpoint thread. */
    private GatedDevice gate;
    private Pool pool;
    private int cutsInFlight;
    private int names;
    private boolean noSpaceSinceOpen;
    private long cleaned;

    @Property(tries = 100)
    void shouldKeepEverySnapshotAndAccountEveryByte(@ForAll("ops") @Size(min = 10, max = 60) List<Op> ops)
            throws IOException {
        volumes.clear();
        snapshots.clear();
        noSpaceSinceOpen = false;
        cleaned = 0;
        cutsInFlight = 0;
        devices = List.of(new FaultyDevice("a", DEVICE), new FaultyDevice("b", DEVICE));
        gate = new GatedDevice(devices.get(0), BackgroundCheckpoint.THREAD_PREFIX);
        pool = Pool.create(new ArrayList<>(List.of(gate, devices.get(1))), CONFIG, KEK);
        for (int f = 0; f < 2; f++) {
            Image v = new Image(f, BLOCK_SIZES[f], "v" + f, new byte[BLOCKS[f] * BLOCK_SIZES[f]]);
            v.store = pool.createVolume(v.name, v.data.length, v.blockSize, false, OPTIONS[f]);
            v.id = v.store.id();
            volumes.add(v);
        }
        try {
            for (Op op : ops) {
                run(op);
            }
            verifyAll();
            assertThat(pool.stats().checksumErrors()).isZero();
            // Delete everything, in an order the ops chose: no byte may leak, none be freed twice.
            Random random = new Random(ops.size());
            while (!volumes.isEmpty() || !snapshots.isEmpty()) {
                boolean snapshot = volumes.isEmpty() || !snapshots.isEmpty() && random.nextBoolean();
                if (snapshot) {
                    Image s = snapshots.remove(random.nextInt(snapshots.size()));
                    pool.deleteSnapshot(s.id);
                } else {
                    pool.deleteVolume(volumes.remove(random.nextInt(volumes.size())).name);
                }
                verifyAll();
            }
            PoolStats stats = pool.stats();
            cleaned += stats.segmentsCleaned();
            assertThat(stats.liveBytes()).isZero();
            assertThat(stats.volumes()).isZero();
            assertThat(pool.snapshots()).isEmpty();
            pool.clean(1000);
            assertThat(pool.stats().liveBytes()).isZero();
            Statistics.label("segments cleaned").collect(cleaned == 0 ? "0" : cleaned < 10 ? "1-9" : "10+");
            Statistics.label("power cuts with a checkpoint in flight").collect(cutsInFlight);
        } finally {
            pool.close();
        }
    }

    private void run(Op op) throws IOException {
        switch (op) {
            case Write w -> {
                Image v = pick(volumes, w.volume());
                if (v != null) {
                    write(v, w.block(), w.count(), w.seed());
                }
            }
            case Trim t -> {
                Image v = pick(volumes, t.volume());
                if (v != null) {
                    int bs = v.blockSize;
                    int blocks = v.data.length / bs;
                    int block = t.block() % blocks;
                    int count = Math.min(t.count(), blocks - block);
                    assertThat(TestIo.deallocate((long) block * bs, (long) count * bs).runOn(v.store))
                            .isEqualTo(IoStatus.OK);
                    Arrays.fill(v.data, block * bs, (block + count) * bs, (byte) 0);
                }
            }
            case Resize r -> {
                Image v = pick(volumes, r.volume());
                if (v != null) {
                    int blocks = Math.max(1, BLOCKS[v.family] * r.percent() / 100);
                    pool.resizeVolume(v.name, (long) blocks * v.blockSize);
                    v.data = Arrays.copyOf(v.data, blocks * v.blockSize);
                }
            }
            case Snap s -> {
                Image v = pick(volumes, s.volume());
                if (v != null && snapshots.size() < MAX_SNAPSHOTS) {
                    Image snap = new Image(v.family, v.blockSize, "s" + names++, v.data.clone());
                    SnapshotInfo info = pool.createSnapshot(v.name, snap.name);
                    assertThat(info.volumeId()).isEqualTo(v.id);
                    assertThat(info.volumeName()).isEqualTo(v.name);
                    snap.id = info.id();
                    snap.store = pool.snapshotStore(snap.id);
                    snapshots.add(snap);
                    assertThat(TestIo.write(0, new byte[v.blockSize]).runOn(snap.store))
                            .isEqualTo(IoStatus.WRITE_PROTECTED);
                }
            }
            case Clone c -> {
                Image s = pick(snapshots, c.snapshot());
                if (s != null && volumes.size() < MAX_VOLUMES) {
                    Image v = new Image(s.family, s.blockSize, "c" + names++, s.data.clone());
                    v.store = pool.cloneVolume(s.id, v.name, false);
                    v.id = v.store.id();
                    volumes.add(v);
                }
            }
            case Rollback r -> {
                Image v = pick(volumes, r.volume());
                Image s = pick(snapshots, r.snapshot());
                if (v != null && s != null) {
                    if (v.family == s.family) {
                        pool.rollback(v.name, s.id);
                        v.data = s.data.clone();
                    } else {
                        assertThatThrownBy(() -> pool.rollback(v.name, s.id))
                                .isInstanceOf(IllegalArgumentException.class);
                    }
                }
            }
            case DeleteSnapshot d -> {
                Image s = pick(snapshots, d.snapshot());
                if (s != null) {
                    snapshots.remove(s);
                    pool.deleteSnapshot(s.id);
                    assertThat(TestIo.read(0, s.blockSize).runOn(s.store)).isEqualTo(IoStatus.INTERNAL_ERROR);
                }
            }
            case DeleteVolume d -> {
                Image v = pick(volumes, d.volume());
                if (v != null && volumes.size() > 1) {
                    volumes.remove(v);
                    pool.deleteVolume(v.name);
                }
            }
            case Verify x -> verifyAll();
            case Diff d -> {
                Image s = pick(snapshots, d.snapshot());
                Image v = s == null ? null : volumes.stream().filter(x -> x.family == s.family).findFirst().orElse(null);
                if (v != null) {
                    checkDiff(s, v);
                }
            }
            case Clean c -> pool.clean(c.segments());
            case Churn c -> {
                Image v = pick(volumes, c.volume());
                Random random = new Random(c.seed());
                for (int i = 0; v != null && i < 100; i++) {
                    // Few distinct blocks: dedup finds duplicates.
                    write(v, random.nextInt(v.data.length / v.blockSize), 1, random.nextInt(6));
                }
            }
            case Checkpoint c -> pool.checkpoint();
            case StartCheckpoint c -> pool.startCheckpoint();
            case CrashInCheckpoint c -> {
                InFlightCheckpoint.hold(pool, gate, c.at());
                Random random = new Random(c.seed());
                for (int i = 0; i < c.writes() && InFlightCheckpoint.roomForWrites(pool); i++) {
                    Image v = pick(volumes, random.nextInt(100));
                    if (v != null) {
                        write(v, random.nextInt(1000), 1 + random.nextInt(4), random.nextLong());
                    }
                }
                long live = pool.stats().liveBytes();
                cleaned += pool.stats().segmentsCleaned();
                InFlightCheckpoint.cut(pool, gate, devices, random, c.tear());
                cutsInFlight++;
                reopen(new ArrayList<>(List.of(gate, devices.get(1))), live);
            }
            case Crash c -> {
                long live = pool.stats().liveBytes();
                cleaned += pool.stats().segmentsCleaned();
                pool.halt();
                Random random = new Random(c.seed());
                for (FaultyDevice d : devices) {
                    d.powerCut(random, c.tear());
                    d.powerOn();
                }
                reopen(new ArrayList<>(List.of(gate, devices.get(1))), live);
            }
            case Reopen r -> {
                long live = pool.stats().liveBytes();
                cleaned += pool.stats().segmentsCleaned();
                pool.close();
                reopen(new ArrayList<>(List.<BlockDevice>of(devices.get(1), gate)), live);
            }
        }
    }

    private void reopen(List<BlockDevice> list, long liveBefore) throws IOException {
        pool = Pool.open(list, CONFIG, KEK);
        if (!noSpaceSinceOpen) {
            assertThat(pool.stats().liveBytes()).as("live bytes rebuilt from the maps").isEqualTo(liveBefore);
        }
        noSpaceSinceOpen = false;
        for (Image v : volumes) {
            v.store = pool.volume(v.name);
            assertThat(v.store).as(v.name).isNotNull();
        }
        for (Image s : snapshots) {
            s.store = pool.snapshotStore(s.id);
        }
        verifyAll();
    }

    private void write(Image v, int block, int count, long seed) {
        int bs = v.blockSize;
        int blocks = v.data.length / bs;
        block %= blocks;
        count = Math.min(count, blocks - block);
        byte[] data = new byte[count * bs];
        new Random(seed).nextBytes(data);
        int status = TestIo.write((long) block * bs, data).runOn(v.store);
        if (status == IoStatus.NO_SPACE) {
            // A write refused mid-way may have landed in part: take what the volume now holds.
            noSpaceSinceOpen = true;
            TestIo r = TestIo.read((long) block * bs, data.length);
            assertThat(r.runOn(v.store)).isEqualTo(IoStatus.OK);
            data = r.data();
            Statistics.label("no space").collect(true);
        } else {
            assertThat(status).isEqualTo(IoStatus.OK);
        }
        System.arraycopy(data, 0, v.data, block * bs, data.length);
    }

    private void verifyAll() {
        for (Image v : volumes) {
            check(v);
        }
        for (Image s : snapshots) {
            check(s);
        }
    }

    private static void check(Image image) {
        TestIo r = TestIo.read(0, image.data.length);
        assertThat(r.runOn(image.store)).as(image.name).isEqualTo(IoStatus.OK);
        assertThat(r.data()).as(image.name).isEqualTo(image.data);
    }

    /** Every block outside the reported ranges must be equal in both images. */
    private void checkDiff(Image s, Image v) throws IOException {
        int bs = s.blockSize;
        int length = Math.max(s.data.length, v.data.length);
        boolean[] changed = new boolean[length / bs];
        long from = 0;
        do {
            DiffPage page = pool.diff(s.id, v.id, from, 2);
            assertThat(page.ranges().size()).isBetween(page.isLast() ? 0 : 2, 2);
            for (DiffPage.Range r : page.ranges()) {
                assertThat(r.lba()).isGreaterThanOrEqualTo(from);
                for (long b = r.lba(); b < r.lba() + r.blocks(); b++) {
                    changed[(int) b] = true;
                }
            }
            from = page.nextLba();
        } while (from >= 0);
        for (int b = 0; b < changed.length; b++) {
            if (!changed[b]) {
                assertThat(block(v.data, b, bs)).as("block %d reported unchanged", b).isEqualTo(block(s.data, b, bs));
            }
        }
    }

    /** Block {@code b}, zeros past the end: there the image is unmapped. */
    private static byte[] block(byte[] data, int b, int bs) {
        byte[] out = new byte[bs];
        if ((b + 1) * bs <= data.length) {
            System.arraycopy(data, b * bs, out, 0, bs);
        }
        return out;
    }

    private static Image pick(List<Image> images, int index) {
        return images.isEmpty() ? null : images.get(index % images.size());
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Integer> any = Arbitraries.integers().between(0, 99);
        Arbitrary<Op> write = Combinators.combine(any, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 12), Arbitraries.longs()).as(Write::new);
        Arbitrary<Op> trim = Combinators.combine(any, Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(1, 40)).as(Trim::new);
        Arbitrary<Op> resize = Combinators.combine(any, Arbitraries.integers().between(50, 150)).as(Resize::new);
        Arbitrary<Op> snap = any.map(Snap::new);
        Arbitrary<Op> clone = any.map(Clone::new);
        Arbitrary<Op> rollback = Combinators.combine(any, any).as(Rollback::new);
        Arbitrary<Op> deleteSnapshot = any.map(DeleteSnapshot::new);
        Arbitrary<Op> deleteVolume = any.map(DeleteVolume::new);
        Arbitrary<Op> verify = Arbitraries.just(new Verify());
        Arbitrary<Op> diff = any.map(Diff::new);
        Arbitrary<Op> clean = Arbitraries.integers().between(1, 4).map(Clean::new);
        Arbitrary<Op> churn = Combinators.combine(any, Arbitraries.longs()).as(Churn::new);
        Arbitrary<Op> checkpoint = Arbitraries.just(new Checkpoint());
        Arbitrary<Op> crash = Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false)).as(Crash::new);
        Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
        Arbitrary<Op> startCheckpoint = Arbitraries.just(new StartCheckpoint());
        Arbitrary<Op> crashInCheckpoint = Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false),
                Arbitraries.integers().between(0, InFlightCheckpoint.OPERATIONS - 1), Arbitraries.integers().between(0, 20))
                .as(CrashInCheckpoint::new);
        return Arbitraries.frequencyOf(
                Tuple.of(14, write), Tuple.of(3, trim), Tuple.of(1, resize), Tuple.of(5, snap), Tuple.of(2, clone), Tuple.of(2, rollback),
                Tuple.of(3, deleteSnapshot), Tuple.of(1, deleteVolume), Tuple.of(2, verify), Tuple.of(2, diff),
                Tuple.of(3, clean), Tuple.of(2, churn), Tuple.of(1, checkpoint), Tuple.of(3, crash), Tuple.of(1, reopen),
                Tuple.of(2, startCheckpoint), Tuple.of(2, crashInCheckpoint)).list();
    }
}
