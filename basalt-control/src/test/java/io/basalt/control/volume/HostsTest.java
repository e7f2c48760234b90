package io.basalt.control.volume;

import io.basalt.control.HostList;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostsTest {
    private static final String H1 = "nqn.2014-08.org.nvmexpress:uuid:11111111-1111-1111-1111-111111111111";
    private static final String H2 = "nqn.2014-08.org.nvmexpress:uuid:22222222-2222-2222-2222-222222222222";

    @Test
    void shouldParseAnyNoneAndLists() {
        assertThat(Hosts.parse("any").isAny()).isTrue();
        assertThat(Hosts.parse("none").hosts()).isEmpty();
        assertThat(Hosts.parse("none").isAny()).isFalse();
        assertThat(Hosts.parse(H1 + ";" + H2).hosts()).containsExactlyInAnyOrder(H1, H2);
        assertThat(Hosts.parse(List.of(H1, H2)).hosts()).containsExactlyInAnyOrder(H1, H2);
    }

    @Test
    void shouldRejectAnInvalidNqn() {
        assertThatThrownBy(() -> Hosts.parse("host1")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid host NQN");
    }

    @Test
    void shouldRejectEmptyHosts() {
        assertThatThrownBy(() -> Hosts.parse("")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hosts is empty");
        assertThatThrownBy(() -> Hosts.parse(H1 + ";")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("empty host NQN");
    }

    @Test
    void shouldRejectMixingAnyWithNqns() {
        assertThatThrownBy(() -> Hosts.parse("any;" + H1)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a mix");
        assertThatThrownBy(() -> Hosts.parse("any;none")).isInstanceOf(ConfigException.class);
    }

    @Test
    void shouldFormatSortedSoStoredFilesAreStable() {
        assertThat(Hosts.format(HostList.of(java.util.Set.of(H2, H1)))).isEqualTo(H1 + ";" + H2);
        assertThat(Hosts.format(HostList.any())).isEqualTo("any");
        assertThat(Hosts.format(Hosts.none())).isEqualTo("none");
        assertThat(Hosts.parse(Hosts.format(Hosts.parse(H2 + ";" + H1))).hosts()).containsExactlyInAnyOrder(H1, H2);
    }
}
