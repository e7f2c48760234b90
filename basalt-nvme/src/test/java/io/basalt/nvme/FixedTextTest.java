package io.basalt.nvme;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class FixedTextTest {

    @Test
    void shouldSpacePadToTheWidthAndCutWhatIsLonger() {
        ByteBuf b = Unpooled.buffer(12).writeZero(12);
        FixedText.writeSpacePadded(b, 1, 4, "ab");
        FixedText.writeSpacePadded(b, 6, 3, "wxyz");
        assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("\0ab  \0wxy\0\0\0");
    }

    @Test
    void shouldReadDroppingTrailingSpacesAndNuls() {
        ByteBuf b = Unpooled.copiedBuffer("SN1  \0\0 ", StandardCharsets.US_ASCII);
        assertThat(FixedText.read(b, 0, 8)).isEqualTo("SN1");
    }

    @Test
    void shouldEndTheTextAtTheFirstNul() {
        ByteBuf b = Unpooled.copiedBuffer("nqn\0junk", StandardCharsets.US_ASCII);
        assertThat(FixedText.read(b, 0, 8)).isEqualTo("nqn");
    }

    @Test
    void shouldKeepLeadingAndInnerSpaces() {
        ByteBuf b = Unpooled.copiedBuffer(" a b  ", StandardCharsets.US_ASCII);
        assertThat(FixedText.read(b, 0, 6)).isEqualTo(" a b");
    }

    @Test
    void shouldReadAnAllZeroFieldAsEmpty() {
        assertThat(FixedText.read(Unpooled.buffer(8).writeZero(8), 0, 8)).isEmpty();
    }
}
