package io.basalt.engine.log;

import io.basalt.engine.device.BlockDevice;
import io.basalt.engine.device.FaultyDevice;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/** Also covers {@link LogStream} and {@link BatchFormat}: batches are written by one and read by the other. */
class BatchReaderTest {
    private static final long POOL = 0x1234;
    private final FaultyDevice device = new FaultyDevice("d", 1 << 20);
    private final SegmentLayout layout = new SegmentLayout(List.<BlockDevice>of(device), new long[]{4096}, 65536, 8);
    private final LogStream stream = new LogStream(LogStream.HOT, 16384);
    private final BatchReader reader = new BatchReader(layout, POOL, 16384);
    private byte[] a;
    private byte[] b;

    @BeforeEach
    void writeOneBatch() throws IOException {
        Random r = new Random(1);
        a = new byte[4096];
        b = new byte[512];
        r.nextBytes(a);
        r.nextBytes(b);
        stream.moveTo(2, 0, 5);
        append(7, 100, a);
        stream.append(BatchFormat.TYPE_TRIM, 7, 200, 0, 50, (io.netty.buffer.ByteBuf) null, 0, 0);
        append(8, 3, b);
        ByteBuffer batch = stream.seal(POOL, 42);
        device.write(layout.position(2, 0), batch);
    }

    private void append(int volume, long lba, byte[] data) {
        int e = stream.append(BatchFormat.TYPE_WRITE, volume, lba, 0, 0, Unpooled.wrappedBuffer(data), 0, data.length);
        // Seed = the volume (its own family); volume 8's payload is flagged compressed to check flags travel.
        stream.setFlagsAndSeed(e, volume == 8 ? PhysAddr.COMPRESSED : 0, volume);
        stream.setCrc(e, BatchFormat.payloadCrc(stream.payload(), stream.payloadIndex(e), data.length, volume, lba,
                new CRC32C()));
    }

    @Test
    void shouldReadBackEntriesAddressesAndPayloads() throws IOException {
        assertThat(reader.read(2, 0, LogStream.HOT, 41, true)).isTrue();
        assertThat(reader.seq()).isEqualTo(42);
        assertThat(reader.next()).isEqualTo(5);
        assertThat(reader.count()).isEqualTo(3);
        assertThat(reader.totalBytes()).isEqualTo(stream.sealedBytes()).isEqualTo(4096 + 8192);
        assertThat(reader.type(1)).isEqualTo(BatchFormat.TYPE_TRIM);
        assertThat(reader.arg(1)).isEqualTo(50);
        assertThat(reader.address(0)).isEqualTo(stream.address(0));
        assertThat(reader.address(2)).isEqualTo(stream.address(2));
        assertThat(PhysAddr.isCompressed(reader.address(2))).isTrue();
        assertThat(PhysAddr.isCompressed(reader.address(0))).isFalse();
        assertThat(reader.seed(2)).isEqualTo(8);
        assertThat(PhysAddr.offset(reader.address(2)) % 512).isZero();
        byte[] back = new byte[512];
        reader.buffer().get(reader.payloadIndex(2), back);
        assertThat(back).isEqualTo(b);
    }

    @Test
    void shouldRejectATornPayloadOnlyWhenVerifying() throws IOException {
        device.corrupt(layout.position(2, PhysAddr.offset(stream.address(0))) + 10);
        assertThat(reader.read(2, 0, LogStream.HOT, 0, false)).isTrue();
        assertThat(reader.read(2, 0, LogStream.HOT, 0, true)).isFalse();
    }

    @Test
    void shouldRejectOldSequencesOtherStreamsPoolsAndDamagedHeaders() throws IOException {
        assertThat(reader.read(2, 0, LogStream.HOT, 42, true)).isFalse();
        assertThat(reader.read(2, 0, LogStream.COLD, 0, true)).isFalse();
        assertThat(new BatchReader(layout, POOL + 1, 16384).read(2, 0, -1, 0, true)).isFalse();
        assertThat(reader.read(2, 12288, -1, 0, true)).isFalse();
        device.corrupt(layout.position(2, 0) + BatchFormat.ENTRIES_OFFSET + 9);
        assertThat(reader.read(2, 0, -1, 0, false)).isFalse();
    }

    @Test
    void shouldTellWhenAnotherEntryNoLongerFitsTheSegment() {
        LogStream s = new LogStream(LogStream.HOT, 16384);
        s.moveTo(0, 65536 - 8192, 1);
        assertThat(s.fits(4096, 65536)).isTrue();
        s.append(BatchFormat.TYPE_WRITE, 1, 0, 0, 0, Unpooled.wrappedBuffer(new byte[4096]), 0, 4096);
        assertThat(s.fits(4096, 65536)).isFalse();
        assertThat(s.fits(0, 65536)).isTrue();
    }
}
