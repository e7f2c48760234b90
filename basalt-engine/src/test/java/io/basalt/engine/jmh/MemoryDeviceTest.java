package io.basalt.engine.jmh;

import io.basalt.engine.device.AlignedBuffers;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryDeviceTest {
    @Test
    void shouldReadBackWhatWasWrittenAndConsumeTheBuffers() throws IOException {
        MemoryDevice device = new MemoryDevice(4 * 4096);
        ByteBuffer src = AlignedBuffers.allocate(8192);
        for (int i = 0; i < 8192; i++) {
            src.put(i, (byte) (i * 31));
        }
        device.write(4096, src);
        assertThat(src.hasRemaining()).isFalse();
        ByteBuffer dst = AlignedBuffers.allocate(8192);
        device.read(4096, dst);
        assertThat(dst.hasRemaining()).isFalse();
        assertThat(dst.flip()).isEqualTo(src.flip());
        ByteBuffer untouched = AlignedBuffers.allocate(4096);
        device.read(0, untouched);
        assertThat(untouched.flip()).isEqualTo(ByteBuffer.allocate(4096));
    }

    @Test
    void shouldRefuseUnalignedOrOutOfRangeIo() {
        MemoryDevice device = new MemoryDevice(2 * 4096);
        assertThatThrownBy(() -> device.write(512, AlignedBuffers.allocate(4096))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> device.read(4096, AlignedBuffers.allocate(8192))).isInstanceOf(IOException.class);
        assertThat(device.size()).isEqualTo(8192);
    }
}
