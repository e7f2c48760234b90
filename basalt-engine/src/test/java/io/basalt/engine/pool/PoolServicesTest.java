package io.basalt.engine.pool;

import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FaultyDevice;
import io.basalt.engine.log.PhysAddr;
import io.basalt.engine.services.CompressionAlgorithm;
import io.basalt.engine.services.KeyEncryptionKey;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The data services through a pool: compression saves space, encryption keeps plaintext and keys off the devices. */
class PoolServicesTest {
    private static final PoolConfig SMALL = PoolConfig.defaults().withSegmentSize(64 * 1024);
    private static final VolumeOptions ENCRYPTED = new VolumeOptions(CompressionAlgorithm.OFF, false, true);
    private static final KeyEncryptionKey KEK = KeyEncryptionKey.generate(new SecureRandom());

    private final List<FaultyDevice> devices = new ArrayList<>();

    private List<BlockDevice> devices() {
        if (devices.isEmpty()) {
            devices.add(new FaultyDevice("d0", 8 << 20));
        }
        return new ArrayList<>(devices);
    }

    /** Text no codec stores raw and no random data contains: "Basalt plaintext marker 0000: ...". */
    static byte[] marked(int length, int n) {
        byte[] b = new byte[length];
        byte[] line = String.format("Basalt plaintext marker %04d: the quick brown fox jumps over the lazy dog.\n", n)
                .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++) {
            b[i] = line[i % line.length];
        }
        return b;
    }

    @Test
    void shouldStoreCompressibleBlocksInAFractionOfTheirSizeAndReadThemBack() throws IOException {
        for (CompressionAlgorithm c : new CompressionAlgorithm[]{CompressionAlgorithm.LZ4, CompressionAlgorithm.ZSTD}) {
            devices.clear();
            try (Pool pool = Pool.create(devices(), SMALL)) {
                EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false, new VolumeOptions(c, false, false));
                for (int i = 0; i < 64; i++) {
                    assertThat(TestIo.write(i * 4096L, marked(4096, i)).runOn(v)).isEqualTo(IoStatus.OK);
                }
                VolumeUsage usage = v.usage();
                assertThat(usage.mappedBytes()).isEqualTo(64 * 4096);
                assertThat(usage.storedBytes()).isEqualTo(64 * 4096);
                assertThat(usage.compressionRatio()).as(c.toString()).isGreaterThan(8);
                assertThat(pool.stats().compressionRatio()).isEqualTo(usage.compressionRatio());
                assertThat(pool.stats().dedupRatio()).isEqualTo(1.0);
                assertThat(PhysAddr.isCompressed(v.map.get(0))).isTrue();
            }
            try (Pool pool = Pool.open(devices(), SMALL)) {
                EngineBlockStore v = pool.volume("v");
                assertThat(v.options().compression()).isEqualTo(c);
                for (int i = 0; i < 64; i++) {
                    TestIo r = TestIo.read(i * 4096L, 4096);
                    assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
                    assertThat(r.data()).isEqualTo(marked(4096, i));
                }
                assertThat(v.usage().compressionRatio()).isGreaterThan(8);
            }
        }
    }

    @Test
    void shouldStoreIncompressibleBlocksRaw() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false);
            assertThat(TestIo.write(0, PoolTest.block(4096, 1)).runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(PhysAddr.isCompressed(v.map.get(0))).isFalse();
            assertThat(v.usage().physicalBytes()).isEqualTo(4096);
        }
    }

    @Test
    void shouldRefuseAnEncryptedVolumeWithoutAKek() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            assertThatThrownBy(() -> pool.createVolume("v", 1 << 20, 4096, false, ENCRYPTED))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key-encryption key");
            assertThat(pool.volumes()).isEmpty();
        }
    }

    @Test
    void shouldRefuseToOpenAnEncryptedPoolWithoutItsKek() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL, KEK)) {
            pool.createVolume("secret", 1 << 20, 4096, false, ENCRYPTED);
        }
        assertThatThrownBy(() -> Pool.open(devices(), SMALL))
                .isInstanceOf(IOException.class).hasMessageContaining("secret").hasMessageContaining("key-encryption key");
        assertThatThrownBy(() -> Pool.open(devices(), SMALL, KeyEncryptionKey.generate(new SecureRandom())))
                .isInstanceOf(IOException.class).hasMessageContaining("secret").hasMessageContaining("wrong --kek-file");
        try (Pool pool = Pool.open(devices(), SMALL, KEK)) {
            assertThat(pool.volume("secret").options().encrypted()).isTrue();
        }
    }

    @Test
    void shouldRotateTheKekWithoutRewritingData() throws IOException {
        KeyEncryptionKey next = KeyEncryptionKey.generate(new SecureRandom());
        byte[] data = marked(4096, 7);
        long written;
        try (Pool pool = Pool.create(devices(), SMALL, KEK)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false, ENCRYPTED);
            assertThat(TestIo.write(0, data).runOn(v)).isEqualTo(IoStatus.OK);
            written = pool.stats().deviceBytesWritten();
            pool.rotateKek(next);
            assertThat(pool.stats().deviceBytesWritten()).as("no data rewritten").isEqualTo(written);
            TestIo r = TestIo.read(0, 4096);
            assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(r.data()).isEqualTo(data);
        }
        assertThatThrownBy(() -> Pool.open(devices(), SMALL, KEK)).isInstanceOf(IOException.class);
        try (Pool pool = Pool.open(devices(), SMALL, next)) {
            TestIo r = TestIo.read(0, 4096);
            assertThat(r.runOn(pool.volume("v"))).isEqualTo(IoStatus.OK);
            assertThat(r.data()).isEqualTo(data);
        }
    }

    @Test
    void shouldReturnReadErrorNotDataWhenCiphertextIsCorrupted() throws IOException {
        for (CompressionAlgorithm c : CompressionAlgorithm.values()) {
            devices.clear();
            try (Pool pool = Pool.create(devices(), SMALL, KEK)) {
                EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false, new VolumeOptions(c, false, true));
                assertThat(TestIo.write(0, marked(4096, 1)).runOn(v)).isEqualTo(IoStatus.OK);
                long a = v.map.get(0);
                Superblock sb = Superblock.read(devices.get(0));
                long at = sb.dataStart() + (long) PhysAddr.segment(a) * sb.segmentSize() + PhysAddr.offset(a);
                devices.get(0).corrupt(at + PhysAddr.length(a) / 2);
                TestIo r = TestIo.read(0, 4096);
                assertThat(r.runOn(v)).as(c.toString()).isEqualTo(IoStatus.READ_ERROR);
                assertThat(pool.stats().checksumErrors()).isEqualTo(1);
            }
        }
    }

    @Test
    void shouldLeaveNoPlaintextNorItsHashOnTheDevicesOfAnEncryptedVolume() throws IOException {
        for (VolumeOptions o : new VolumeOptions[]{ENCRYPTED, new VolumeOptions(CompressionAlgorithm.LZ4, true, true),
                new VolumeOptions(CompressionAlgorithm.ZSTD, true, true)}) {
            assertThat(scanAfterWriting(o)).as(o + ": plaintext or its SHA-256 found on a device").isFalse();
        }
    }

    @Test
    void shouldFindThePlaintextOnTheDevicesOfAnUnencryptedVolume() throws IOException {
        // The control: the same scan finds what an unencrypted volume wrote, so its silence above means something.
        for (CompressionAlgorithm c : CompressionAlgorithm.values()) {
            assertThat(scanAfterWriting(new VolumeOptions(c, false, false))).as(c.toString()).isTrue();
        }
    }

    /** Writes marked blocks (twice each, so dedup shares them), closes the pool, scans every byte of every device. */
    private boolean scanAfterWriting(VolumeOptions options) throws IOException {
        devices.clear();
        devices();
        devices.add(new FaultyDevice("d1", 8 << 20));
        List<byte[]> blocks = new ArrayList<>();
        try (Pool pool = Pool.create(new ArrayList<>(devices), SMALL, KEK)) {
            EngineBlockStore v = pool.createVolume("v", 1 << 20, 4096, false, options);
            for (int i = 0; i < 16; i++) {
                byte[] b = marked(4096, i);
                blocks.add(b);
                assertThat(TestIo.write(i * 4096L, b).runOn(v)).isEqualTo(IoStatus.OK);
                assertThat(TestIo.write((32 + i) * 4096L, b).runOn(v)).isEqualTo(IoStatus.OK);
            }
        }
        List<byte[]> needles = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            // A 16-byte piece of the text: what a literal run of LZ4 or zstd would carry as it is.
            needles.add(Arrays.copyOfRange(blocks.get(i), 0, 28));
            byte[] sha = sha256(blocks.get(i));
            needles.add(Arrays.copyOf(sha, 16));
            needles.add(Arrays.copyOfRange(sha, 16, 32));
        }
        boolean found = false;
        for (FaultyDevice d : devices) {
            byte[] all = d.contents();
            for (int n = 0; n < needles.size(); n++) {
                if (indexOf(all, needles.get(n)) >= 0) {
                    assertThat(n % 3).as("a hash of plaintext on the device").isZero();
                    found = true;
                }
            }
        }
        return found;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (hay[i] != needle[0]) {
                continue;
            }
            for (int k = 1; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ---- dedup ---------------------------------------------------------------------------------

    private static final VolumeOptions DEDUP = new VolumeOptions(CompressionAlgorithm.OFF, true, false);

    private static void writeAll(EngineBlockStore v, int blocks, int from) {
        for (int i = 0; i < blocks; i++) {
            assertThat(TestIo.write((from + i) * 4096L, marked(4096, i)).runOn(v)).isEqualTo(IoStatus.OK);
        }
    }

    private static void checkAll(EngineBlockStore v, int blocks, int from) {
        for (int i = 0; i < blocks; i++) {
            TestIo r = TestIo.read((from + i) * 4096L, 4096);
            assertThat(r.runOn(v)).isEqualTo(IoStatus.OK);
            assertThat(r.data()).as("block %d", from + i).isEqualTo(marked(4096, i));
        }
    }

    @Test
    void shouldStoreIdenticalBlocksOfTwoVolumesOnceAndFreeThemWithTheLastReference() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore a = pool.createVolume("a", 1 << 20, 4096, false, DEDUP);
            EngineBlockStore b = pool.createVolume("b", 1 << 20, 4096, false, DEDUP);
            writeAll(a, 16, 0);
            long oneCopy = pool.stats().liveBytes();
            assertThat(oneCopy).isEqualTo(16 * 4096);
            writeAll(b, 16, 0);
            writeAll(b, 16, 100);
            PoolStats stats = pool.stats();
            assertThat(stats.liveBytes()).as("three copies stored as one").isEqualTo(oneCopy);
            assertThat(stats.mappedBytes()).isEqualTo(3 * 16 * 4096);
            assertThat(stats.dedupRatio()).isEqualTo(3.0);
            assertThat(stats.dedupExtents()).isEqualTo(16);
            assertThat(stats.dedupIndexRejects()).isZero();
            assertThat(b.usage().physicalBytes()).as("b wrote only duplicates").isZero();
            assertThat(b.usage().mappedBytes()).isEqualTo(32 * 4096);
            pool.deleteVolume("a");
            checkAll(b, 16, 0);
            checkAll(b, 16, 100);
            assertThat(pool.stats().liveBytes()).isEqualTo(oneCopy);
            pool.deleteVolume("b");
            assertThat(pool.stats().liveBytes()).isZero();
            assertThat(pool.stats().storedBytes()).isZero();
        }
    }

    @Test
    void shouldKeepSharingAcrossReopenAndPowerCutAndFreeOnTrim() throws IOException {
        Pool pool = Pool.create(devices(), SMALL);
        EngineBlockStore a = pool.createVolume("a", 1 << 20, 4096, false, DEDUP);
        writeAll(a, 8, 0);
        pool.checkpoint();
        writeAll(a, 8, 50); // after the checkpoint: REF records replayed
        pool.halt();
        devices.get(0).powerCut(new java.util.Random(1), false);
        devices.get(0).powerOn();
        pool = Pool.open(devices(), SMALL);
        try {
            a = pool.volume("a");
            checkAll(a, 8, 0);
            checkAll(a, 8, 50);
            assertThat(pool.stats().liveBytes()).isEqualTo(8 * 4096);
            writeAll(a, 8, 200); // the index was rebuilt: still duplicates
            assertThat(pool.stats().liveBytes()).isEqualTo(8 * 4096);
            assertThat(TestIo.deallocate(0, 8 * 4096L, 50 * 4096L, 8 * 4096L).runOn(a)).isEqualTo(IoStatus.OK);
            assertThat(pool.stats().liveBytes()).isEqualTo(8 * 4096);
            assertThat(TestIo.deallocate(200 * 4096L, 8 * 4096L).runOn(a)).isEqualTo(IoStatus.OK);
            assertThat(pool.stats().liveBytes()).isZero();
        } finally {
            pool.close();
        }
        try (Pool reopened = Pool.open(devices(), SMALL)) {
            assertThat(reopened.stats().liveBytes()).isZero();
        }
    }

    @Test
    void shouldMoveSharedPayloadsOnceWhenCleaning() throws IOException {
        try (Pool pool = Pool.create(devices(), SMALL)) {
            EngineBlockStore a = pool.createVolume("a", 4 << 20, 4096, false, DEDUP);
            EngineBlockStore b = pool.createVolume("b", 4 << 20, 4096, false, DEDUP);
            writeAll(a, 8, 0);
            writeAll(b, 8, 0);
            // Unique churn fills segments around the shared blocks; overwriting it leaves them mostly dead.
            for (int round = 0; round < 4; round++) {
                for (int i = 0; i < 200; i++) {
                    assertThat(TestIo.write((300 + i) * 4096L, PoolTest.block(4096, round * 1000 + i)).runOn(a))
                            .isEqualTo(IoStatus.OK);
                }
            }
            pool.checkpoint();
            long live = pool.stats().liveBytes();
            long before = pool.placeOf(b, 3);
            assertThat(pool.placeOf(a, 3)).isEqualTo(before);
            assertThat(pool.clean(1000)).isPositive();
            assertThat(pool.stats().liveBytes()).isEqualTo(live);
            assertThat(pool.placeOf(b, 3)).as("the shared payload moved").isNotEqualTo(before)
                    .isEqualTo(pool.placeOf(a, 3));
            checkAll(a, 8, 0);
            checkAll(b, 8, 0);
        }
        try (Pool pool = Pool.open(devices(), SMALL)) {
            checkAll(pool.volume("a"), 8, 0);
            checkAll(pool.volume("b"), 8, 0);
        }
    }

    @Test
    void shouldDedupEncryptedVolumesOnlyWithinTheirOwnKey() throws IOException {
        VolumeOptions encryptedDedup = new VolumeOptions(CompressionAlgorithm.LZ4, true, true);
        try (Pool pool = Pool.create(devices(), SMALL, KEK)) {
            EngineBlockStore a = pool.createVolume("a", 1 << 20, 4096, false, encryptedDedup);
            EngineBlockStore b = pool.createVolume("b", 1 << 20, 4096, false, encryptedDedup);
            EngineBlockStore plain = pool.createVolume("p", 1 << 20, 4096, false,
                    new VolumeOptions(CompressionAlgorithm.LZ4, true, false));
            writeAll(a, 8, 0);
            long one = pool.stats().liveBytes();
            writeAll(a, 8, 20);
            assertThat(pool.stats().liveBytes()).as("within a's key: shared").isEqualTo(one);
            writeAll(b, 8, 0);
            assertThat(pool.stats().liveBytes()).as("another key: not shared").isEqualTo(2 * one);
            writeAll(plain, 8, 0);
            assertThat(pool.stats().liveBytes()).as("plain domain: not shared with any key").isEqualTo(3 * one);
            checkAll(a, 8, 20);
            checkAll(b, 8, 0);
            checkAll(plain, 8, 0);
        }
    }

    @Test
    void shouldStoreBlocksUnsharedButIntactWhenTheIndexIsFull() throws IOException {
        PoolConfig tiny = SMALL.withDedupIndexBytes(4096); // 170 slots, 127 entries
        try (Pool pool = Pool.create(devices(), tiny)) {
            EngineBlockStore a = pool.createVolume("a", 4 << 20, 4096, false, DEDUP);
            for (int i = 0; i < 200; i++) {
                assertThat(TestIo.write(i * 4096L, marked(4096, i)).runOn(a)).isEqualTo(IoStatus.OK);
            }
            for (int i = 0; i < 200; i++) {
                assertThat(TestIo.write((300 + i) * 4096L, marked(4096, i)).runOn(a)).isEqualTo(IoStatus.OK);
            }
            long live = pool.stats().liveBytes();
            assertThat(live).as("some duplicates missed").isGreaterThan(200 * 4096L).isLessThan(400 * 4096L);
            assertThat(pool.stats().dedupIndexRejects()).isPositive();
            assertThat(pool.stats().dedupExtents()).isEqualTo(live / 4096);
            for (int i = 0; i < 200; i++) {
                for (int base : new int[]{0, 300}) {
                    TestIo r = TestIo.read((base + i) * 4096L, 4096);
                    assertThat(r.runOn(a)).isEqualTo(IoStatus.OK);
                    assertThat(r.data()).isEqualTo(marked(4096, i));
                }
            }
        }
    }
}
