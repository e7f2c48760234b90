package io.basalt.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BasaltVersionTest {
    @Test
    void shouldKnowTheProjectVersion() {
        assertThat(BasaltVersion.version()).isNotEqualTo("unknown").doesNotContain("${");
    }

    @Test
    void shouldFitTheFirmwareRevisionIn8Characters() {
        assertThat(BasaltVersion.firmware()).hasSizeLessThanOrEqualTo(8);
        assertThat(BasaltVersion.version()).startsWith(BasaltVersion.firmware());
    }
}
