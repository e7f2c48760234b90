package io.basalt.engine.file;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.basalt.engine.TestIo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileBlockStoreTest {
    private static final long MIB = 1 << 20;
    private Path dir;
    private final List<FileBlockStore> stores = new ArrayList<>();

    @BeforeEach
    void createDir() throws IOException {
        // Under target/, on the same file system as the build, rather than /tmp which may be tmpfs.
        Files.createDirectories(Path.of("target", "tmp"));
        dir = Files.createTempDirectory(Path.of("target", "tmp"), "filestore");
    }

    @AfterEach
    void closeStores() throws IOException {
        stores.forEach(FileBlockStore::close);
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
        }
    }

    private FileBlockStore open(String name, long capacity, int blockSize, boolean allowDirect) throws IOException {
        FileBlockStore store = FileBlockStore.open(dir.resolve(name), capacity, blockSize, allowDirect);
        stores.add(store);
        return store;
    }

    private static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void shouldUseDirectIoWhereTheFileSystemSupportsIt() throws IOException {
        FileBlockStore store = open("v.img", MIB, 4096, true);

        assertThat(store.isDirect()).isEqualTo(!"tmpfs".equals(Files.getFileStore(dir).type()));
    }

    @Test
    void shouldFallBackToBufferedIoWhenTheFileSystemRejectsDirectIo() throws IOException {
        // tmpfs rejected O_DIRECT before Linux 6.6; a refusing opener stands in for such a file system.
        FileBlockStore.ChannelOpener refuseDirect = (path, direct) -> {
            if (direct) {
                throw new IOException("Invalid argument");
            }
            return FileBlockStore.ChannelOpener.DEFAULT.open(path, false);
        };
        FileBlockStore store = FileBlockStore.open(dir.resolve("v.img"), MIB, 512, true, refuseDirect);
        stores.add(store);

        assertThat(store.isDirect()).isFalse();
        assertThat(TestIo.write(512, random(1024, 1)).runOn(store)).isEqualTo(IoStatus.OK);
        TestIo read = TestIo.read(512, 1024);
        assertThat(read.runOn(store)).isEqualTo(IoStatus.OK);
        assertThat(read.data()).isEqualTo(random(1024, 1));
    }

    @Test
    void shouldWorkOnTmpfs() throws IOException {
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "basalt-test");
        try (FileBlockStore store = FileBlockStore.open(shm.resolve("v.img"), MIB, 512, true)) {
            assertThat(TestIo.write(512, random(1024, 1)).runOn(store)).isEqualTo(IoStatus.OK);
            assertThat(TestIo.writeZeroes(1024, 512).runOn(store)).isEqualTo(IoStatus.OK);
            TestIo read = TestIo.read(512, 1024);
            assertThat(read.runOn(store)).isEqualTo(IoStatus.OK);
            byte[] expected = random(1024, 1);
            Arrays.fill(expected, 512, 1024, (byte) 0);
            assertThat(read.data()).isEqualTo(expected);
        } finally {
            Files.deleteIfExists(shm.resolve("v.img"));
            Files.delete(shm);
        }
    }

    @Test
    void shouldUseBufferedIoWhenDirectIsNotAllowed() throws IOException {
        assertThat(open("v.img", MIB, 4096, false).isDirect()).isFalse();
    }

    @Test
    void shouldReadZerosFromANewStore() throws IOException {
        FileBlockStore store = open("v.img", MIB, 512, true);
        TestIo read = TestIo.read(4096 + 512, 8192);

        assertThat(read.runOn(store)).isEqualTo(IoStatus.OK);
        assertThat(read.data()).isEqualTo(new byte[8192]);
        assertThat(store.capacityBytes()).isEqualTo(MIB);
        assertThat(store.blockSize()).isEqualTo(512);
    }

    @ParameterizedTest
    @CsvSource({"512,true", "512,false", "4096,true", "4096,false"})
    void shouldReadBackUnalignedAndMultiWindowWrites(int blockSize, boolean direct) throws IOException {
        FileBlockStore store = open("v.img", 4 * MIB, blockSize, direct);
        long offset = 3L * blockSize;
        byte[] data = random((int) (2 * MIB) + blockSize, 7);
        byte[] before = random(blockSize, 8);
        assertThat(TestIo.write(offset - blockSize, before).runOn(store)).isEqualTo(IoStatus.OK);

        assertThat(TestIo.write(offset, data).runOn(store)).isEqualTo(IoStatus.OK);

        TestIo read = TestIo.read(offset - blockSize, data.length + 2 * blockSize);
        assertThat(read.runOn(store)).isEqualTo(IoStatus.OK);
        byte[] got = read.data();
        assertThat(Arrays.copyOfRange(got, 0, blockSize)).isEqualTo(before);
        assertThat(Arrays.copyOfRange(got, blockSize, blockSize + data.length)).isEqualTo(data);
        assertThat(Arrays.copyOfRange(got, blockSize + data.length, got.length)).isEqualTo(new byte[blockSize]);
    }

    @Test
    void shouldKeepNeighbouringBlocksWhenWritingOne512ByteBlockUnderDirectIo() throws IOException {
        FileBlockStore store = open("v.img", MIB, 512, true);
        byte[] page = random(4096, 3);
        TestIo.write(0, page).runOn(store);

        TestIo.write(1024, random(512, 4)).runOn(store);

        TestIo read = TestIo.read(0, 4096);
        read.runOn(store);
        byte[] expected = page.clone();
        System.arraycopy(random(512, 4), 0, expected, 1024, 512);
        assertThat(read.data()).isEqualTo(expected);
    }

    @Test
    void shouldKeepDataAcrossCloseAndReopen() throws IOException {
        FileBlockStore store = open("v.img", MIB, 512, true);
        TestIo.write(512 * 5, random(1536, 9)).runOn(store);
        assertThat(TestIo.flush().runOn(store)).isEqualTo(IoStatus.OK);
        store.close();

        FileBlockStore reopened = open("v.img", MIB, 512, true);
        TestIo read = TestIo.read(512 * 5, 1536);
        read.runOn(reopened);

        assertThat(read.data()).isEqualTo(random(1536, 9));
    }

    @Test
    void shouldMakeWrittenZeroesReadAsZeros() throws IOException {
        FileBlockStore store = open("v.img", MIB, 512, true);
        TestIo.write(0, random(16384, 5)).runOn(store);

        assertThat(TestIo.writeZeroes(512, 8192).runOn(store)).isEqualTo(IoStatus.OK);

        TestIo read = TestIo.read(0, 16384);
        read.runOn(store);
        byte[] expected = random(16384, 5);
        Arrays.fill(expected, 512, 512 + 8192, (byte) 0);
        assertThat(read.data()).isEqualTo(expected);
    }

    @Test
    void shouldFreeSpaceWhenRangesAreDeallocated() throws IOException {
        FileBlockStore store = open("v.img", 8 * MIB, 4096, true);
        TestIo.writeFua(0, random((int) (4 * MIB), 6)).runOn(store);
        long written = store.allocatedBytes();

        assertThat(TestIo.deallocate(0, MIB, 2 * MIB, 2 * MIB).runOn(store)).isEqualTo(IoStatus.OK);

        assertThat(written).isGreaterThanOrEqualTo(4 * MIB);
        assertThat(store.allocatedBytes()).isLessThanOrEqualTo(written - 3 * MIB);
        TestIo read = TestIo.read(0, (int) (4 * MIB));
        read.runOn(store);
        byte[] expected = random((int) (4 * MIB), 6);
        Arrays.fill(expected, 0, (int) MIB, (byte) 0);
        Arrays.fill(expected, (int) (2 * MIB), (int) (4 * MIB), (byte) 0);
        assertThat(read.data()).isEqualTo(expected);
    }

    @Test
    void shouldBeSparseWhenNew() throws IOException {
        FileBlockStore store = open("v.img", 1024 * MIB, 4096, true);

        assertThat(store.allocatedBytes()).isLessThan(MIB);
        assertThat(Files.size(store.path())).isEqualTo(1024 * MIB);
    }

    @Test
    void shouldRoundTheFileUpTo4KiBSoAlignedIoStaysInside() throws IOException {
        FileBlockStore store = open("v.img", 3 * 512, 512, true);
        TestIo.write(1024, random(512, 2)).runOn(store);

        assertThat(Files.size(store.path())).isEqualTo(4096);
        TestIo read = TestIo.read(1024, 512);
        read.runOn(store);
        assertThat(read.data()).isEqualTo(random(512, 2));
    }

    @Test
    void shouldGrowAndKeepData() throws IOException {
        FileBlockStore store = open("v.img", MIB, 4096, true);
        TestIo.write(MIB - 4096, random(4096, 11)).runOn(store);

        store.grow(2 * MIB);
        TestIo.write(2 * MIB - 4096, random(4096, 12)).runOn(store);
        store.close();

        FileBlockStore reopened = open("v.img", 2 * MIB, 4096, true);
        TestIo read = TestIo.read(MIB - 4096, (int) MIB + 4096);
        read.runOn(reopened);
        byte[] got = read.data();
        assertThat(Arrays.copyOfRange(got, 0, 4096)).isEqualTo(random(4096, 11));
        assertThat(Arrays.copyOfRange(got, 4096, (int) MIB)).isEqualTo(new byte[(int) MIB - 4096]);
        assertThat(Arrays.copyOfRange(got, (int) MIB, (int) MIB + 4096)).isEqualTo(random(4096, 12));
    }

    @Test
    void shouldGrowWhenReopenedWithALargerCapacity() throws IOException {
        open("v.img", MIB, 4096, true).close();

        FileBlockStore store = open("v.img", 4 * MIB, 4096, true);

        assertThat(store.capacityBytes()).isEqualTo(4 * MIB);
        assertThat(Files.size(store.path())).isEqualTo(4 * MIB);
    }

    @Test
    void shouldRejectShrinkingAVolume() throws IOException {
        FileBlockStore store = open("v.img", 2 * MIB, 4096, true);
        assertThatThrownBy(() -> store.grow(MIB)).isInstanceOf(IllegalArgumentException.class);
        store.close();

        assertThatThrownBy(() -> open("v.img", MIB, 4096, true))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("shrinking a volume is not supported");
    }

    @Test
    void shouldRejectABadBlockSizeOrCapacity() {
        assertThatThrownBy(() -> open("a.img", MIB, 1024, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> open("b.img", 1000, 512, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> open("c.img", 0, 512, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCompleteOnTheWorkerThreadNotTheCaller() throws IOException {
        FileBlockStore store = open("v.img", MIB, 4096, true);
        TestIo write = TestIo.write(0, random(4096, 1));

        write.runOn(store);

        assertThat(write.completedOn).isNotNull().isNotEqualTo(Thread.currentThread());
        assertThat(write.completedOn.getName()).startsWith("basalt-file-");
    }

    @Test
    void shouldNotBlockTheSubmitterWhileTheWorkerIsBusy() throws Exception {
        FileBlockStore store = open("v.img", MIB, 4096, true);
        CountDownLatch release = new CountDownLatch(1);
        BlockingIo blocker = new BlockingIo(release);
        store.submit(blocker);
        TestIo queued = TestIo.write(0, random(4096, 1));

        long start = System.nanoTime();
        store.submit(queued);
        long took = System.nanoTime() - start;

        assertThat(TimeUnit.NANOSECONDS.toMillis(took)).isLessThan(1000);
        assertThat(queued.status).isNotDone();
        release.countDown();
        assertThat(queued.status.get(10, TimeUnit.SECONDS)).isEqualTo(IoStatus.OK);
    }

    @Test
    void shouldRejectOperationsOutsideTheVolume() throws IOException {
        FileBlockStore store = open("v.img", MIB, 4096, true);

        assertThat(TestIo.read(MIB, 4096).runOn(store)).isEqualTo(IoStatus.INTERNAL_ERROR);
        assertThat(TestIo.write(MIB - 4096, random(8192, 1)).runOn(store)).isEqualTo(IoStatus.INTERNAL_ERROR);
        assertThat(TestIo.deallocate(0, 4096, MIB, 4096).runOn(store)).isEqualTo(IoStatus.INTERNAL_ERROR);
        assertThat(Files.size(store.path())).isEqualTo(MIB);
    }

    @Test
    void shouldWriteDurablyWithTheWriteCacheDisabled() throws IOException {
        FileBlockStore store = open("v.img", MIB, 4096, true);
        assertThat(store.volatileWriteCache()).isTrue();
        assertThat(store.writeCacheEnabled()).isTrue();

        store.setWriteCacheEnabled(false);

        assertThat(store.writeCacheEnabled()).isFalse();
        assertThat(store.volatileWriteCache()).isTrue();
        assertThat(TestIo.write(0, random(4096, 1)).runOn(store)).isEqualTo(IoStatus.OK);
        store.setWriteCacheEnabled(true);
        assertThat(store.writeCacheEnabled()).isTrue();
    }

    @Test
    void shouldCompleteQueuedOperationsBeforeClosing() throws IOException {
        FileBlockStore store = open("v.img", MIB, 4096, true);
        List<TestIo> ios = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            TestIo io = TestIo.write(i * 4096L, random(4096, i));
            ios.add(io);
            store.submit(io);
        }

        store.close();

        assertThat(ios).allSatisfy(io -> assertThat(io.status).isCompletedWithValue(IoStatus.OK));
    }

    @Test
    void shouldFailSubmissionsAfterClose() throws IOException {
        FileBlockStore store = open("v.img", MIB, 4096, true);
        store.close();

        assertThat(TestIo.read(0, 4096).runOn(store)).isEqualTo(IoStatus.INTERNAL_ERROR);
    }

    @Test
    void shouldFailAReadWithReadErrorWhenTheFileIsGone() throws Exception {
        FileBlockStore store = open("v.img", MIB, 4096, false);
        // Closing the channel under the worker stands in for a failing device.
        var channel = FileBlockStore.class.getDeclaredField("channel");
        channel.setAccessible(true);
        ((java.nio.channels.FileChannel) channel.get(store)).close();

        assertThat(TestIo.read(0, 4096).runOn(store)).isEqualTo(IoStatus.READ_ERROR);
        assertThat(TestIo.write(0, random(4096, 1)).runOn(store)).isEqualTo(IoStatus.WRITE_ERROR);
        assertThat(TestIo.flush().runOn(store)).isEqualTo(IoStatus.WRITE_ERROR);
    }

    /** Holds the worker until released. */
    private static final class BlockingIo implements BlockIo {
        private final CountDownLatch release;

        BlockingIo(CountDownLatch release) {
            this.release = release;
        }

        /** The worker asks for the op first, so waiting here holds it. */
        @Override
        public int op() {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return OP_FLUSH;
        }

        @Override
        public long offset() {
            return 0;
        }

        @Override
        public int length() {
            return 0;
        }

        @Override
        public io.netty.buffer.ByteBuf buffer() {
            return null;
        }

        @Override
        public boolean fua() {
            return false;
        }

        @Override
        public void complete(int ioStatus) {
        }
    }
}
