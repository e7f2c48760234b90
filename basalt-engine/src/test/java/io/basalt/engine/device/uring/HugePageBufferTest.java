package io.basalt.engine.device.uring;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HugePageBufferTest {
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    @Test
    void shouldMapHugePageAlignedMemoryThatHoldsWhatIsWritten() throws Exception {
        RequireIoUring.open(2).close();
        try (HugePageBuffer memory = HugePageBuffer.allocate(2 * HugePageBuffer.HUGE_PAGE)) {
            ByteBuffer b = memory.buffer();
            assertThat(b.isDirect()).isTrue();
            assertThat(b.capacity()).isEqualTo(2 * HugePageBuffer.HUGE_PAGE);
            assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(MemorySegment.ofBuffer(b).address() % HugePageBuffer.HUGE_PAGE).isZero();
            for (int i = 0; i < b.capacity(); i += 4096) {
                assertThat(b.get(i)).as("byte %d of fresh memory", i).isZero();
                b.putInt(i, i);
            }
            for (int i = 0; i < b.capacity(); i += 4096) {
                assertThat(b.getInt(i)).isEqualTo(i);
            }
            // A kernel built with transparent huge pages takes the advice (whether it then finds huge
            // pages depends on its free memory, so that is not asserted).
            assertThat(memory.advised()).isEqualTo(Files.exists(THP));
        }
    }

    @Test
    void shouldRefuseASizeThatIsNotWholeHugePages() {
        assertThatThrownBy(() -> HugePageBuffer.allocate(HugePageBuffer.HUGE_PAGE + 4096))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of");
    }
}
