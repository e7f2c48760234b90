package io.basalt.initiator.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {
    @Test
    void shouldParseTheUsualSpellings() {
        assertThat(Sizes.parse("512")).isEqualTo(512);
        assertThat(Sizes.parse("4k")).isEqualTo(4096);
        assertThat(Sizes.parse("4KiB")).isEqualTo(4096);
        assertThat(Sizes.parse("128KB")).isEqualTo(128 * 1024);
        assertThat(Sizes.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(Sizes.format(1L << 30)).isEqualTo("1GiB");
    }

    @Test
    void shouldRefuseNonsense() {
        assertThatThrownBy(() -> Sizes.parse("lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sizes.parse("-4k")).isInstanceOf(IllegalArgumentException.class);
    }
}
