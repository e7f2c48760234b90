package io.basalt.units;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {
    @ParameterizedTest
    @CsvSource({"4096,4096", "512B,512", "4KiB,4096", "4k,4096", "512MiB,536870912", "512 MiB,536870912",
            "10GiB,10737418240", "10g,10737418240", "1TiB,1099511627776", "1T,1099511627776",
            "1KB,1000", "2MB,2000000", "3GB,3000000000", "1TB,1000000000000", "1gib,1073741824"})
    void shouldParseSizesInEveryUnit(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10XB", "1PiB", "5 bits"})
    void shouldRejectAnUnknownUnit(String text) {
        assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown size unit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GiB", "-1GiB", "1.5GiB", "ten"})
    void shouldRejectSomethingThatIsNotASize(String text) {
        assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid size");
    }

    @Test
    void shouldRejectASizeThatOverflows() {
        assertThatThrownBy(() -> Sizes.parse("99999999999TiB")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
        assertThatThrownBy(() -> Sizes.parse("99999999999999999999")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void shouldFormatInTheLargestExactBinaryUnit() {
        assertThat(Sizes.format(1L << 30)).isEqualTo("1 GiB");
        assertThat(Sizes.format(1536L << 20)).isEqualTo("1536 MiB");
        assertThat(Sizes.format(512)).isEqualTo("512 bytes");
        assertThat(Sizes.format(1L << 40)).isEqualTo("1 TiB");
        assertThat(Sizes.format(0)).isEqualTo("0 bytes");
    }

    @Test
    void shouldFormatForPeopleToThreeDigits() {
        assertThat(Sizes.formatApprox(532_000_000L)).isEqualTo("507 MiB");
        assertThat(Sizes.formatApprox(62_000_000_000L)).isEqualTo("57.7 GiB");
        assertThat(Sizes.formatApprox(5L << 29)).isEqualTo("2.50 GiB");
        assertThat(Sizes.formatApprox(1L << 30)).isEqualTo("1 GiB");
        assertThat(Sizes.formatApprox(100)).isEqualTo("100 bytes");
        assertThat(Sizes.formatApprox(500L << 40)).isEqualTo("500 TiB");
    }
}
