package io.basalt.nvme;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NqnTest {

    @Test
    void shouldAcceptHostAndDiscoveryNqns() {
        assertThat(Nqn.isValid("nqn.2014-08.org.nvmexpress:uuid:7b0e8f2c-5e0a-4a8e-9d1b-3f2a1c0d9e8f")).isTrue();
        assertThat(Nqn.isValid("nqn.2014-08.org.nvmexpress.discovery")).isTrue();
        assertThat(Nqn.requireValid("nqn.2026-01.io.basalt:host-a")).isEqualTo("nqn.2026-01.io.basalt:host-a");
    }

    @Test
    void shouldRefuseWhatIsNotAnNqnWithTheReason() {
        assertThatThrownBy(() -> Nqn.requireValid("")).hasMessage("NQN is empty");
        assertThatThrownBy(() -> Nqn.requireValid(null)).hasMessage("NQN is empty");
        assertThatThrownBy(() -> Nqn.requireValid("host-a"))
                .hasMessage("not an NQN (expected nqn.yyyy-mm.reverse.domain:name): host-a");
        assertThat(Nqn.isValid("nqn.26-01.io.basalt:a")).isFalse();
        assertThat(Nqn.isValid("nqn.2026-01.io basalt:a")).isFalse();
    }

    @Test
    void shouldRefuseAnNqnLongerThan223BytesOfUtf8() {
        String prefix = "nqn.2026-01.io.basalt:";
        assertThat(Nqn.isValid(prefix + "a".repeat(Nqn.MAX_LENGTH - prefix.length()))).isTrue();
        assertThat(Nqn.isValid(prefix + "a".repeat(Nqn.MAX_LENGTH - prefix.length() + 1))).isFalse();
        // Two bytes each in UTF-8: the limit counts bytes, not characters.
        assertThat(Nqn.isValid(prefix + "é".repeat((Nqn.MAX_LENGTH - prefix.length()) / 2 + 1))).isFalse();
    }
}
