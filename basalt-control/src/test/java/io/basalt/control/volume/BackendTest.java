package io.basalt.control.volume;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendTest {
    @Test
    void shouldParseLabelsCaseInsensitively() {
        assertThat(Backend.parse("file")).isEqualTo(Backend.FILE);
        assertThat(Backend.parse("RAM")).isEqualTo(Backend.RAM);
        assertThat(Backend.RAM.label()).isEqualTo("ram");
    }

    @Test
    void shouldRejectAnUnknownBackend() {
        assertThatThrownBy(() -> Backend.parse("nvme")).isInstanceOf(ConfigException.class)
                .hasMessage("unknown backend 'nvme' (expected file, ram or engine)");
    }
}
