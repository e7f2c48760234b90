package io.basalt.replication.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestDecoderTest {
    private final List<String> decoded = new ArrayList<>();
    private final List<ByteBuf> payloads = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new RequestDecoder(this::record));

    @AfterEach
    void releasePayloads() {
        payloads.forEach(ByteBuf::release);
        channel.finishAndReleaseAll();
    }

    private void record(RequestFrame f, ByteBuf payload) {
        decoded.add(f.op() + " id=" + f.id() + " vol=" + f.volumeMsb() + "/" + f.volumeLsb() + " epoch=" + f.epoch()
                + " off=" + f.offset() + " len=" + f.length() + " fua=" + f.fua()
                + " data=" + (payload == null ? "-" : ByteBufUtil.hexDump(payload)));
        if (payload != null) {
            payloads.add(payload);
        }
    }

    /** A hello and one frame of every op. */
    private static ByteBuf everyOp() {
        ByteBuf b = Unpooled.buffer();
        Hello.write(b);
        RequestHeader.write(b, RequestHeader.OP_WRITE, RequestHeader.FLAG_FUA, 1, 10, 20, 7, 4096, 4);
        b.writeBytes(new byte[]{1, 2, 3, 4});
        RequestHeader.write(b, RequestHeader.OP_READ, 0, 2, 10, 20, 7, 0, 512);
        RequestHeader.write(b, RequestHeader.OP_WRITE_ZEROES, 0, 3, 10, 20, 7, 8192, 1 << 30);
        RequestHeader.write(b, RequestHeader.OP_DEALLOCATE, 0, 4, 10, 20, 7, 0, 2);
        b.writeLong(0).writeLong(4096).writeLong(8192).writeLong(512);
        RequestHeader.write(b, RequestHeader.OP_FLUSH, 0, 5, 10, 20, 8, 0, 0);
        return b;
    }

    private static final List<String> EVERY_OP = List.of(
            "1 id=1 vol=10/20 epoch=7 off=4096 len=4 fua=true data=01020304",
            "0 id=2 vol=10/20 epoch=7 off=0 len=512 fua=false data=-",
            "3 id=3 vol=10/20 epoch=7 off=8192 len=1073741824 fua=false data=-",
            "4 id=4 vol=10/20 epoch=7 off=0 len=2 fua=false data=" + "0".repeat(16) + "0000000000001000"
                    + "0000000000002000" + "0000000000000200",
            "2 id=5 vol=10/20 epoch=8 off=0 len=0 fua=false data=-");

    @Test
    void shouldDecodeEveryOpFedWhole() {
        channel.writeInbound(everyOp());
        assertThat(decoded).containsExactlyElementsOf(EVERY_OP);
    }

    @Test
    void shouldDecodeEveryOpFedOneByteAtATime() {
        ByteBuf all = everyOp();
        while (all.isReadable()) {
            channel.writeInbound(all.readRetainedSlice(1));
        }
        all.release();
        assertThat(decoded).containsExactlyElementsOf(EVERY_OP);
    }

    @Test
    void shouldDecodeEveryOpFedInRandomSplits() {
        for (long seed = 0; seed < 50; seed++) {
            EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder(this::record));
            decoded.clear();
            Random random = new Random(seed);
            ByteBuf all = everyOp();
            while (all.isReadable()) {
                ch.writeInbound(all.readRetainedSlice(Math.min(all.readableBytes(), 1 + random.nextInt(70))));
            }
            all.release();
            assertThat(decoded).as("seed %d", seed).containsExactlyElementsOf(EVERY_OP);
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void shouldHandTheWritePayloadAsARetainedSliceNotACopy() {
        ByteBuf in = everyOp();
        channel.writeInbound(in);
        ByteBuf data = payloads.getFirst();
        assertThat(data.unwrap()).as("a slice of the inbound buffer").isNotNull();
        assertThat(data.refCnt()).as("retained for the sink").isPositive();
    }

    @Test
    void shouldRefuseABadMagicWithAClearMessage() {
        ByteBuf b = Unpooled.buffer();
        Hello.write(b, 0x47455420, Hello.VERSION);
        assertThatThrownBy(() -> channel.writeInbound(b)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("not a Basalt replication peer");
    }

    @Test
    void shouldRefuseAnotherVersionNamingBoth() {
        ByteBuf b = Unpooled.buffer();
        Hello.write(b, Hello.MAGIC, Hello.VERSION + 1);
        assertThatThrownBy(() -> channel.writeInbound(b)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("version " + (Hello.VERSION + 1)).hasMessageContaining("version " + Hello.VERSION);
    }

    @Test
    void shouldRefuseAnUnknownOp() {
        assertThatThrownBy(() -> channel.writeInbound(helloAnd(9, 0, 0))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("op 9");
    }

    @Test
    void shouldRefuseUnknownFlags() {
        assertThatThrownBy(() -> channel.writeInbound(helloAnd(RequestHeader.OP_FLUSH, 0x80, 0)))
                .isInstanceOf(ProtocolException.class).hasMessageContaining("flags");
    }

    @Test
    void shouldRefuseAnOversizeWriteAsSoonAsItsHeaderArrives() {
        ByteBuf b = helloAnd(RequestHeader.OP_WRITE, 0, RequestHeader.MAX_DATA_LENGTH + 1);
        assertThatThrownBy(() -> channel.writeInbound(b)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("more than");
    }

    @Test
    void shouldDropEverythingAfterAViolation() {
        assertThatThrownBy(() -> channel.writeInbound(helloAnd(9, 0, 0))).isInstanceOf(ProtocolException.class);
        ByteBuf valid = Unpooled.buffer();
        RequestHeader.write(valid, RequestHeader.OP_FLUSH, 0, 1, 0, 0, 0, 0, 0);
        channel.writeInbound(valid);
        assertThat(decoded).isEmpty();
    }

    @Test
    void shouldReportAConnectionThatEndsInsideAFrame() {
        ByteBuf b = Unpooled.buffer();
        Hello.write(b);
        RequestHeader.write(b, RequestHeader.OP_WRITE, 0, 1, 0, 0, 0, 0, 4096);
        b.writeBytes(new byte[100]);
        channel.writeInbound(b);
        assertThat(decoded).isEmpty();
        assertThatThrownBy(channel::finish).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("ended inside a frame");
    }

    private static ByteBuf helloAnd(int op, int flags, int length) {
        ByteBuf b = Unpooled.buffer();
        Hello.write(b);
        RequestHeader.write(b, op, flags, 1, 0, 0, 0, 0, length);
        return b;
    }
}
