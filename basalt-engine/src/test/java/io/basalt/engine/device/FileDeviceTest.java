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
