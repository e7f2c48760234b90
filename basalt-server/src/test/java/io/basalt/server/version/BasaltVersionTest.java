package io.basalt.server.version;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BasaltVersionTest {
    @Test
    void shouldKnowTheProjectVersion() {
        assertThat(BasaltVersion.version()).isNotEqualTo("unknown").doesNotContain("${");
    }

    @Test
    void shouldReportTheReleaseNumberAsFirmwareRevisionNotATruncatedQualifier() {
        String fr = BasaltVersion.firmware();
        assertThat(fr).hasSizeBetween(1, 8).matches("[\\x21-\\x7E]+");
        // "0.1.0-SNAPSHOT" gave "0.1.0-SN": a cut-off qualifier that reads like a version of its own.
        assertThat(fr).matches("\\d+(\\.\\d+)*");
        assertThat(BasaltVersion.version()).startsWith(fr);
    }

    @Test
    void shouldDropTheQualifierAndOnlyWholeComponents() {
        assertThat(BasaltVersion.firmwareRevision("0.1.0-SNAPSHOT")).isEqualTo("0.1.0");
        assertThat(BasaltVersion.firmwareRevision("1.2.3")).isEqualTo("1.2.3");
        assertThat(BasaltVersion.firmwareRevision("10.20.300-rc1")).isEqualTo("10.20");
        assertThat(BasaltVersion.firmwareRevision("1.22.333")).isEqualTo("1.22.333");
        assertThat(BasaltVersion.firmwareRevision("123456789")).isEqualTo("unknown");
        assertThat(BasaltVersion.firmwareRevision("unknown")).isEqualTo("unknown");
    }
}
