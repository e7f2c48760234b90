package io.basalt.replication.wire;

import io.basalt.block.IoStatus;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResponseDecoderTest {
    private final List<String> decoded = new ArrayList<>();
    private final ResponseDecoder.Sink sink = new ResponseDecoder.Sink() {
        @Override
        public void opened() {
            decoded.add("hello");
        }

        @Override
        public void response(long id, int status, ByteBuf in, int dataIndex, int dataLength) {
            decoded.add(id + ":" + status + ":" + ByteBufUtil.hexDump(in, dataIndex, dataLength));
        }
    };

    private static ByteBuf answers() {
        ByteBuf b = Unpooled.buffer();
        Hello.write(b);
        ResponseHeader.write(b, 7, IoStatus.OK, 3);
        b.writeBytes(new byte[]{9, 8, 7});
        ResponseHeader.write(b, 5, IoStatus.PATH_UNAVAILABLE, 0);
        ResponseHeader.write(b, 6, IoStatus.OK, 0);
        return b;
    }

    private static final List<String> ANSWERS = List.of("hello", "7:0:090807", "5:6:", "6:0:");

    @Test
    void shouldDecodeAnswersInAnySplit() {
        for (long seed = -1; seed < 30; seed++) {
            EmbeddedChannel ch = new EmbeddedChannel(new ResponseDecoder(sink));
            decoded.clear();
            Random random = new Random(seed);
            ByteBuf all = answers();
            while (all.isReadable()) {
                int n = seed < 0 ? 1 : 1 + random.nextInt(30);
                ch.writeInbound(all.readRetainedSlice(Math.min(all.readableBytes(), n)));
            }
            all.release();
            assertThat(decoded).as("seed %d (-1: byte by byte)", seed).containsExactlyElementsOf(ANSWERS);
            assertThat(ch.finish()).isFalse();
        }
    }

    @Test
    void shouldRefuseAnOversizeAnswer() {
        EmbeddedChannel ch = new EmbeddedChannel(new ResponseDecoder(sink));
        ByteBuf b = Unpooled.buffer();
        Hello.write(b);
        ResponseHeader.write(b, 1, IoStatus.OK, RequestHeader.MAX_DATA_LENGTH + 1);
        assertThatThrownBy(() -> ch.writeInbound(b)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("data length");
    }

    @Test
    void shouldRefuseDataWithAFailure() {
        EmbeddedChannel ch = new EmbeddedChannel(new ResponseDecoder(sink));
        ByteBuf b = Unpooled.buffer();
        Hello.write(b);
        ResponseHeader.write(b, 1, IoStatus.READ_ERROR, 4);
        assertThatThrownBy(() -> ch.writeInbound(b)).isInstanceOf(ProtocolException.class);
    }

    @Test
    void shouldReportATruncatedAnswer() {
        EmbeddedChannel ch = new EmbeddedChannel(new ResponseDecoder(sink));
        ByteBuf b = Unpooled.buffer();
        Hello.write(b);
        ResponseHeader.write(b, 1, IoStatus.OK, 8);
        ch.writeInbound(b.writeByte(1));
        assertThatThrownBy(ch::finish).isInstanceOf(ProtocolException.class);
        assertThat(decoded).containsExactly("hello");
    }
}
