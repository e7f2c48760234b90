package io.basalt.engine.checkpoint;

import io.basalt.engine.device.AlignedBuffers;
import io.basalt.engine.device.FaultyDevice;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadAheadTest {
    private final FaultyDevice device = new FaultyDevice("d", 64 * 1024);

    ReadAheadTest() throws IOException {
        ByteBuffer b = AlignedBuffers.allocate(64 * 1024);
        for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (byte) (i * 31 + 7));
        }
        device.write(0, b);
    }

    @Test
    void shouldHandOutTheRangeInOrderInPiecesWithItsCrc() throws IOException {
        // 4096 + 20000 bytes: pieces of 8192, 8192 and a last one of 3712 bytes not on a block boundary.
        int start = 4096;
        int length = 20_000;
        byte[] seen = new byte[length];
        int at = 0;
        try (ReadAhead r = new ReadAhead(device, start, length, 8192)) {
            for (ByteBuffer piece = r.next(); piece != null; piece = r.next()) {
                assertThat(piece.position()).isZero();
                assertThat(piece.limit()).isEqualTo(Math.min(8192, length - at));
                piece.get(seen, at, piece.remaining());
                at += piece.limit();
            }
            assertThat(at).isEqualTo(length);
            CRC32C expected = new CRC32C();
            expected.update(seen);
            assertThat(r.crc()).isEqualTo((int) expected.getValue());
        }
        for (int i = 0; i < length; i++) {
            assertThat(seen[i]).isEqualTo((byte) ((start + i) * 31 + 7));
        }
    }

    @Test
    void shouldThrowTheReadErrorOfThePieceWhenItIsTaken() throws IOException {
        device.failReadsFrom = 16384;
        device.failReadsTo = 20480;
        try (ReadAhead r = new ReadAhead(device, 0, 32768, 8192)) {
            assertThat(r.next()).isNotNull();
            assertThat(r.next()).isNotNull();
            assertThatThrownBy(r::next).isInstanceOf(IOException.class).hasMessageContaining("EIO");
        }
    }

    @Test
    void shouldCloseWithAReadStillInFlight() throws IOException {
        ReadAhead r = new ReadAhead(device, 0, 32768, 8192);
        assertThat(r.next()).isNotNull();
        r.close();
        // The device is the caller's again: nothing reads it behind its back.
        device.write(0, AlignedBuffers.allocate(4096));
    }
}
