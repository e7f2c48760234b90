package io.basalt.control;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class HostListTest {
    private static final String H1 = "nqn.2014-08.org.nvmexpress:uuid:11111111-1111-1111-1111-111111111111";
    private static final String H2 = "nqn.2014-08.org.nvmexpress:uuid:22222222-2222-2222-2222-222222222222";

    @Test
    void shouldBeEqualWhenTheSameHostsAreListedInAnyOrder() {
        assertThat(HostList.of(Set.of(H2, H1))).isEqualTo(HostList.of(Set.of(H1, H2)))
                .hasSameHashCodeAs(HostList.of(Set.of(H1, H2)));
        assertThat(HostList.of(Set.of())).isEqualTo(HostList.none());
        assertThat(HostList.any()).isNotEqualTo(HostList.none());
    }

    @Test
    void shouldListHostsSorted() {
        assertThat(HostList.of(Set.of(H2, H1)).hosts()).containsExactly(H1, H2);
        assertThat(HostList.any().hosts()).isEmpty();
    }

    @Test
    void shouldLetAnAnonymousHostSeeOnlyWhatIsOpenToAny() {
        assertThat(HostList.any().allows("")).isTrue();
        assertThat(HostList.of(Set.of(H1)).allows("")).isFalse();
        assertThat(HostList.of(Set.of(H1)).allows(H1)).isTrue();
        assertThat(HostList.none().allows(H1)).isFalse();
    }
}
