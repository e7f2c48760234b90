package io.basalt.engine.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileDeviceTest {
    @TempDir
    Path dir;

    @Test
    void shouldCreateASparseFileAndReadBackAlignedWrites() throws IOException {
        Path file = dir.resolve("d.img");
        try (FileDevice d = FileDevice.open(file, 1 << 20, true)) {
            assertThat(d.size()).isEqualTo(1 << 20);
            ByteBuffer out = AlignedBuffers.allocate(8192);
            for (int i = 0; i < 8192; i++) {
                out.put(i, (byte) i);
            }
            d.write(4096, out);
            d.sync();
            ByteBuffer in = AlignedBuffers.allocate(8192);
            d.read(4096, in);
            assertThat(in.flip()).isEqualTo(out.flip());
        }
        assertThat(Files.size(file)).isEqualTo(1 << 20);
        try (FileDevice again = FileDevice.open(file, 0, false)) {
            assertThat(again.isDirect()).isFalse();
            assertThat(again.size()).isEqualTo(1 << 20);
        }
    }

    @Test
    void shouldWriteAPreallocatedFileWholeButNeverRewriteAnExistingOne() throws Exception {
        Path sparse = dir.resolve("sparse.img");
        Path written = dir.resolve("written.img");
        try (FileDevice s = FileDevice.open(sparse, 4 << 20, true);
             FileDevice w = FileDevice.open(written, 4 << 20, true, FileDevice.Preallocation.WRITE)) {
            assertThat(w.size()).isEqualTo(4 << 20);
            ByteBuffer out = AlignedBuffers.allocate(4096);
            out.put(0, (byte) 7);
            w.write(8192, out);
            w.sync();
        }
        assertThat(allocatedBytes(sparse)).as("sparse: nothing allocated").isLessThan(1 << 20);
        assertThat(allocatedBytes(written)).as("written once, whole").isGreaterThanOrEqualTo(4 << 20);
        try (FileDevice again = FileDevice.open(written, 4 << 20, true, FileDevice.Preallocation.WRITE)) {
            ByteBuffer in = AlignedBuffers.allocate(4096);
            again.read(8192, in);
            assertThat(in.get(0)).as("an existing file keeps its contents").isEqualTo((byte) 7);
        }
    }

    /** st_blocks × 512, from coreutils' stat (the JDK does not expose it). */
    private static long allocatedBytes(Path file) throws Exception {
        Process p = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor()).as("stat (coreutils) must be installed: apt-get install coreutils; said: " + out)
                .isZero();
        String[] f = out.split(" ");
        return Long.parseLong(f[0]) * Long.parseLong(f[1]);
    }

    @Test
    void shouldRefuseAMissingDeviceWithoutACreateSize() {
        assertThatThrownBy(() -> FileDevice.open(dir.resolve("none"), 0, true)).isInstanceOf(IOException.class);
    }

    @Test
    void shouldRecogniseNoSpaceErrors() {
        assertThat(BlockDevice.isNoSpace(new IOException("No space left on device"))).isTrue();
        assertThat(BlockDevice.isNoSpace(new BlockDevice.DeviceFullException("x"))).isTrue();
        assertThat(BlockDevice.isNoSpace(new IOException("Input/output error"))).isFalse();
    }
}
