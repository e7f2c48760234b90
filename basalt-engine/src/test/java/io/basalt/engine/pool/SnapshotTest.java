package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FaultyDevice;
import org.junit.jupiter.api.Test;

import io.basalt.engine.services.CompressionAlgorithm;
import io.basalt.engine.services.KeyEncryptionKey;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.basalt.engine.pool.PoolTest.block;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SnapshotTest {
    private static final PoolConfig SMALL = PoolConfig.defaults().withSegmentSize(64 * 1024);
    private static final int BS = 4096;

    private final List<FaultyDevice> devices = new ArrayList<>(List.of(new FaultyDevice("d0", 8 << 20)));

    private List<BlockDevice> devices() {
        return new ArrayList<>(devices);
    }

    private static void write(EngineBlockStore v, int lba, long seed) {
        assertThat(TestIo.write((long) lba * BS, block(BS, seed)).runOn(v)).isEqualTo(IoStatus.OK);
    }

    private static void assertBlock(EngineBlockStore v, int lba, long seed) {
        TestIo r = TestIo.read((long) lba * BS, BS);
        assertThat(r.runOn(v)).as("%s block %d", v, lba).isEqualTo(IoStatus.OK);
        assertThat(r.data()).as("%s block %d", v, lba).isEqualTo(seed < 0 ? new byte[BS] : block(BS, seed));
    }

    @Test
    void shouldKeepTheOldBlockWhileASnapshotHoldsItAndFreeItWithTheSnapshot() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, BS, false);
            write(v, 0, 1);
            write(v, 1, 2);
            SnapshotInfo s = pool.createSnapshot("v", "s");
            assertThat(pool.stats().liveBytes()).isEqualTo(2 * BS);

            write(v, 0, 3);
            assertThat(pool.stats().liveBytes()).as("the snapshot keeps block 0's old copy").isEqualTo(3 * BS);
            write(v, 0, 4);
            assertThat(pool.stats().liveBytes()).as("an overwrite of the volume's own block frees it").isEqualTo(3 * BS);
            assertBlock(pool.snapshotStore(s.id()), 0, 1);
            assertBlock(v, 0, 4);
            assertThat(pool.uniqueBytes(s.id())).isEqualTo(BS);
            assertThat(pool.uniqueBytes(v.id())).isEqualTo(BS);
            assertThat(pool.snapshot("v", "s").mappedBytes()).isEqualTo(2 * BS);

            pool.deleteSnapshot(s.id());
            assertThat(pool.stats().liveBytes()).isEqualTo(2 * BS);
            assertThat(pool.listSnapshots("v")).isEmpty();
            assertBlock(v, 1, 2);
        }
    }

    @Test
    void shouldRefuseWritesToASnapshotStoreAndNameTwinSnapshots() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, BS, false);
            SnapshotInfo s = pool.createSnapshot("v", "s");
            EngineBlockStore store = pool.snapshotStore(s.id());
            assertThat(store.isReadOnly()).isTrue();
            assertThat(TestIo.write(0, block(BS, 1)).runOn(store)).isEqualTo(IoStatus.WRITE_PROTECTED);
            assertThat(TestIo.writeZeroes(0, BS).runOn(store)).isEqualTo(IoStatus.WRITE_PROTECTED);
            assertThat(TestIo.deallocate(0, BS).runOn(store)).isEqualTo(IoStatus.WRITE_PROTECTED);
            assertThat(TestIo.flush().runOn(store)).isEqualTo(IoStatus.OK);
            assertThatThrownBy(() -> pool.createSnapshot("v", "s")).isInstanceOf(IllegalArgumentException.class);
            assertThat(pool.volumes()).extracting(EngineBlockStore::name).containsExactly("v");
            assertThat(v.isReadOnly()).isFalse();
        }
    }

    @Test
    void shouldReadTheOriginsBlocksFromACloneAndDivergeFromIt() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, BS, false);
            write(v, 5, 1);
            SnapshotInfo s = pool.createSnapshot("v", "s");
            EngineBlockStore c = pool.cloneVolume(s.id(), "c", false);
            assertBlock(c, 5, 1);
            write(c, 5, 2);
            write(v, 6, 3);
            assertBlock(c, 5, 2);
            assertBlock(c, 6, -1);
            assertBlock(v, 5, 1);
            assertThat(pool.stats().liveBytes()).isEqualTo(3 * BS);
            pool.deleteVolume("v");
            assertBlock(pool.snapshotStore(s.id()), 5, 1);
            assertThat(pool.snapshot("c", "none")).isNull();
            assertThat(pool.snapshots()).extracting(SnapshotInfo::volumeName).containsExactly((String) null);
        }
    }

    @Test
    void shouldHideADeletedSnapshotWithTwoChildrenUntilOneIsLeft() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, BS, false);
            write(v, 0, 1);
            write(v, 1, 2);
            SnapshotInfo s = pool.createSnapshot("v", "s");
            EngineBlockStore c = pool.cloneVolume(s.id(), "c", false);
            write(v, 0, 3);
            write(c, 0, 4);
            // Block 0's first copy is held by the snapshot alone now.
            assertThat(pool.stats().liveBytes()).isEqualTo(4 * BS);

            pool.deleteSnapshot(s.id());
            assertThat(pool.snapshots()).isEmpty();
            assertThatThrownBy(() -> pool.snapshotStore(s.id())).isInstanceOf(IllegalArgumentException.class);
            assertThat(pool.stats().liveBytes()).as("hidden: what no child holds is freed").isEqualTo(3 * BS);
            assertBlock(c, 1, 2);
            assertBlock(v, 1, 2);

            pool.close();
            try (Pool reopened = Pool.open(devices(), SMALL)) {
                assertThat(reopened.stats().liveBytes()).isEqualTo(3 * BS);
                reopened.deleteVolume("c");
                assertThat(reopened.stats().liveBytes()).isEqualTo(2 * BS);
                assertBlock(reopened.volume("v"), 1, 2);
                reopened.deleteVolume("v");
                assertThat(reopened.stats().liveBytes()).isZero();
            }
        }
    }

    @Test
    void shouldRollBackAndReleaseWhatOnlyTheVolumeHeld() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, BS, false);
            write(v, 0, 1);
            SnapshotInfo s = pool.createSnapshot("v", "s");
            write(v, 0, 2);
            write(v, 9, 3);
            assertThat(pool.stats().liveBytes()).isEqualTo(3 * BS);
            pool.rollback("v", s.id());
            assertBlock(v, 0, 1);
            assertBlock(v, 9, -1);
            assertThat(pool.stats().liveBytes()).isEqualTo(BS);
            write(v, 0, 4);
            assertBlock(pool.snapshotStore(s.id()), 0, 1);
            assertThat(pool.stats().liveBytes()).isEqualTo(2 * BS);
        }
    }

    @Test
    void shouldReplayASnapshotRecordAfterAPowerCut() throws IOException {
        Pool pool = Pool.create(devices(), SMALL);
        EngineBlockStore v = pool.createVolume("v", 1 << 20, BS, false);
        write(v, 0, 1);
        SnapshotInfo s = pool.createSnapshot("v", "before");
        write(v, 0, 2);
        long checkpoints = pool.stats().checkpoints();
        pool.halt();
        devices.get(0).powerCut(new Random(1), true);
        devices.get(0).powerOn();
        assertThat(checkpoints).as("no checkpoint since the volume was created").isEqualTo(2);
        try (Pool reopened = Pool.open(devices(), SMALL)) {
            assertThat(reopened.listSnapshots("v")).singleElement().satisfies(info -> {
                assertThat(info.id()).isEqualTo(s.id());
                assertThat(info.name()).isEqualTo("before");
                assertThat(info.createdMillis()).isEqualTo(s.createdMillis());
            });
            assertBlock(reopened.snapshotStore(s.id()), 0, 1);
            assertBlock(reopened.volume("v"), 0, 2);
            assertThat(reopened.stats().liveBytes()).isEqualTo(2 * BS);
            SnapshotInfo next = reopened.createSnapshot("v", "after");
            assertThat(next.id()).isGreaterThan(s.id());
        }
    }

    @Test
    void shouldMoveBlocksForEveryImageWhenCleaning() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, BS, false);
            for (int i = 0; i < 64; i++) {
                write(v, i, i);
            }
            SnapshotInfo s = pool.createSnapshot("v", "s");
            EngineBlockStore c = pool.cloneVolume(s.id(), "c", false);
            for (int round = 0; round < 8; round++) {
                for (int i = 0; i < 64; i += 2) {
                    write(v, i, 1000 + round * 64 + i);
                }
            }
            pool.checkpoint();
            assertThat(pool.clean(100)).isPositive();
            for (int i = 0; i < 64; i++) {
                assertBlock(c, i, i);
                assertBlock(pool.snapshotStore(s.id()), i, i);
                assertBlock(v, i, i % 2 == 0 ? 1000 + 7 * 64 + i : i);
            }
            assertThat(pool.stats().liveBytes()).isEqualTo(64 * BS + 32 * BS);
            assertThat(pool.stats().checksumErrors()).isZero();
        }
    }

    @Test
    void shouldPageTheDiffBetweenTwoSnapshots() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 8 << 20, BS, false);
            write(v, 0, 1);
            SnapshotInfo a = pool.createSnapshot("v", "a");
            write(v, 3, 2);
            write(v, 4, 2);
            write(v, 1500, 3);
            assertThat(TestIo.deallocate(0, BS).runOn(v)).isEqualTo(IoStatus.OK);
            SnapshotInfo b = pool.createSnapshot("v", "b");
            DiffPage first = pool.diff(a.id(), b.id(), 0, 2);
            assertThat(first.ranges()).containsExactly(new DiffPage.Range(0, 1), new DiffPage.Range(3, 2));
            assertThat(first.nextLba()).isEqualTo(1500);
            DiffPage second = pool.diff(a.id(), b.id(), first.nextLba(), 2);
            assertThat(second.ranges()).containsExactly(new DiffPage.Range(1500, 1));
            assertThat(second.isLast()).isTrue();
            assertThat(pool.diff(b.id(), v.id(), 0, 10).ranges()).isEmpty();
        }
    }

    @Test
    void shouldShareKeysCompressionAndDedupExtentsWithSnapshotsAndClones() throws IOException {
        KeyEncryptionKey kek = KeyEncryptionKey.generate(new SecureRandom());
        VolumeOptions[] all = {new VolumeOptions(CompressionAlgorithm.LZ4, false, true),
                new VolumeOptions(CompressionAlgorithm.OFF, true, false),
                new VolumeOptions(CompressionAlgorithm.ZSTD, true, true)};
        // Half-compressible blocks, and block 1 a duplicate of block 0.
        byte[] compressible = new byte[BS];
        System.arraycopy(block(BS / 2, 7), 0, compressible, 0, BS / 2);
        for (VolumeOptions options : all) {
            devices.clear();
            devices.add(new FaultyDevice("d0", 8 << 20));
            Pool pool = Pool.create(devices(), SMALL, kek);
            EngineBlockStore v = pool.createVolume("v", 1 << 20, BS, false, options);
            assertThat(TestIo.write(0, compressible).runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(TestIo.write(BS, compressible).runOn(v)).isEqualTo(IoStatus.OK);
            write(v, 2, 3);
            SnapshotInfo s = pool.createSnapshot("v", "s");
            EngineBlockStore c = pool.cloneVolume(s.id(), "c", false);
            write(v, 0, 4);
            write(c, 2, 5);
            long live = pool.stats().liveBytes();
            pool.halt();
            devices.get(0).powerCut(new Random(2), true);
            devices.get(0).powerOn();
            pool = Pool.open(devices(), SMALL, kek);
            assertThat(pool.stats().liveBytes()).as("%s: live bytes rebuilt", options).isEqualTo(live);
            EngineBlockStore snap = pool.snapshotStore(s.id());
            for (EngineBlockStore image : List.of(snap, pool.volume("c"), pool.volume("v"))) {
                TestIo r = TestIo.read(0, 3 * BS);
                assertThat(r.runOn(image)).as("%s %s", options, image).isEqualTo(IoStatus.OK);
                byte[] want = new byte[3 * BS];
                System.arraycopy(image == pool.volume("v") ? block(BS, 4) : compressible, 0, want, 0, BS);
                System.arraycopy(compressible, 0, want, BS, BS);
                System.arraycopy(block(BS, image == pool.volume("c") ? 5 : 3), 0, want, 2 * BS, BS);
                assertThat(r.data()).as("%s %s", options, image).isEqualTo(want);
            }
            pool.deleteVolume("v");
            pool.deleteSnapshot(s.id());
            pool.deleteVolume("c");
            assertThat(pool.stats().liveBytes()).as("%s: nothing left", options).isZero();
            assertThat(pool.stats().dedupExtents()).as("%s: no extent left", options).isZero();
            pool.close();
        }
    }
}
