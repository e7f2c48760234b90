package io.basalt.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReceiveBuffersTest {
    /** Lets a channel's read handle see {@code reads} reads that each fill the buffer; returns its next buffer's size. */
    private static int capacityAfterFullReads(RecvByteBufAllocator allocator, int reads) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setRecvByteBufAllocator(allocator);
        RecvByteBufAllocator.Handle handle = channel.unsafe().recvBufAllocHandle();
        for (int i = 0; i < reads; i++) {
            handle.reset(channel.config());
            ByteBuf b = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
            handle.lastBytesRead(b.capacity());
            handle.incMessagesRead(1);
            handle.readComplete();
            b.release();
        }
        handle.reset(channel.config());
        ByteBuf next = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        int capacity = next.capacity();
        next.release();
        channel.finishAndReleaseAll();
        return capacity;
    }

    @Test
    void shouldGrowAReadToAWhole128KiBDataPduWithItsHeadersWhereNettyStopsAt64KiB() {
        int ours = capacityAfterFullReads(ReceiveBuffers.allocator(), 40);
        int nettys = capacityAfterFullReads(new AdaptiveRecvByteBufAllocator(), 40);

        assertThat(ours).isEqualTo(ReceiveBuffers.MAX_BYTES).isGreaterThan((128 << 10) + 128);
        assertThat(nettys).isEqualTo(64 << 10);
    }

    @Test
    void shouldStartSmallSoThatSmallPdusDoNotTakeLargeBuffers() {
        assertThat(capacityAfterFullReads(ReceiveBuffers.allocator(), 0)).isEqualTo(ReceiveBuffers.INITIAL_BYTES);
    }

    @Test
    void shouldStayWithinTheEventLoopsBufferCacheSoAFullSizeBufferIsReused() {
        assertThat(ReceiveBuffers.MAX_BYTES).isLessThanOrEqualTo(AllocatorDefaults.MAX_CACHED_BUFFER_BYTES);
    }
}
