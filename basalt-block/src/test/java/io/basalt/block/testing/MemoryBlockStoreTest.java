package io.basalt.block.testing;

import io.basalt.block.BlockIo;
import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryBlockStoreTest {
    private static final int BLOCK = 512;

    private final MemoryBlockStore store = new MemoryBlockStore(16 * BLOCK, BLOCK);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void shouldReadZerosBeforeAnyWrite() {
        assertThat(read(0, 2 * BLOCK)).isEqualTo(new byte[2 * BLOCK]);
    }

    @Test
    void shouldReadBackWhatWasWrittenWithoutMovingTheWritersReaderIndex() {
        ByteBuf data = Unpooled.wrappedBuffer(pattern(BLOCK, 7));
        assertThat(submit(BlockIo.OP_WRITE, 3 * BLOCK, BLOCK, data)).isEqualTo(IoStatus.OK);
        assertThat(data.readerIndex()).isZero();
        assertThat(read(3 * BLOCK, BLOCK)).isEqualTo(pattern(BLOCK, 7));
        assertThat(read(2 * BLOCK, BLOCK)).as("the block before").isEqualTo(new byte[BLOCK]);
    }

    @Test
    void shouldZeroWrittenBlocksOnWriteZeroes() {
        submit(BlockIo.OP_WRITE, 0, 2 * BLOCK, Unpooled.wrappedBuffer(pattern(2 * BLOCK, 1)));
        assertThat(submit(BlockIo.OP_WRITE_ZEROES, BLOCK, BLOCK, null)).isEqualTo(IoStatus.OK);
        assertThat(read(0, BLOCK)).isEqualTo(pattern(BLOCK, 1));
        assertThat(read(BLOCK, BLOCK)).isEqualTo(new byte[BLOCK]);
    }

    @Test
    void shouldZeroEveryDeallocatedRange() {
        submit(BlockIo.OP_WRITE, 0, 4 * BLOCK, Unpooled.wrappedBuffer(pattern(4 * BLOCK, 2)));
        ByteBuf ranges = Unpooled.buffer().writeLong(0).writeLong(BLOCK).writeLong(2 * BLOCK).writeLong(BLOCK);
        assertThat(submit(BlockIo.OP_DEALLOCATE, 0, 2, ranges)).isEqualTo(IoStatus.OK);
        assertThat(read(0, BLOCK)).isEqualTo(new byte[BLOCK]);
        assertThat(read(BLOCK, BLOCK)).isEqualTo(Arrays.copyOfRange(pattern(4 * BLOCK, 2), BLOCK, 2 * BLOCK));
        assertThat(read(2 * BLOCK, BLOCK)).isEqualTo(new byte[BLOCK]);
    }

    @Test
    void shouldCompleteFlushOkAndAnUnknownOpAsInternalError() {
        assertThat(submit(BlockIo.OP_FLUSH, 0, 0, null)).isEqualTo(IoStatus.OK);
        assertThat(submit(99, 0, 0, null)).isEqualTo(IoStatus.INTERNAL_ERROR);
    }

    @Test
    void shouldRefuseACapacityThatIsNotAMultipleOfTheBlockSize() {
        assertThatThrownBy(() -> new MemoryBlockStore(BLOCK + 1, BLOCK)).isInstanceOf(IllegalArgumentException.class);
    }

    private byte[] read(long offset, int length) {
        ByteBuf dst = Unpooled.buffer(length);
        assertThat(submit(BlockIo.OP_READ, offset, length, dst)).isEqualTo(IoStatus.OK);
        byte[] bytes = new byte[dst.readableBytes()];
        dst.readBytes(bytes);
        return bytes;
    }

    /** Submits one operation and returns its status; the store completes inline. */
    private int submit(int op, long offset, int length, ByteBuf buffer) {
        HostIo io = HostIo.of(op, offset, length, buffer);
        store.submit(io);
        assertThat(io.status).as("completed before submit returned").isDone();
        return io.status.join();
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
