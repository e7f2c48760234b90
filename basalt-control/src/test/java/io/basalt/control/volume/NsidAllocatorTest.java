package io.basalt.control.volume;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NsidAllocatorTest {
    private static final int MAX = 4;
    @TempDir
    Path dataDir;

    @Test
    void shouldIssueNsidsAboveTheLastOneIssuedAndRememberItAcrossRestarts() throws DataDirException {
        Set<Integer> used = new HashSet<>();
        NsidAllocator a = NsidAllocator.load(dataDir, used, MAX);
        used.add(a.allocate(used));
        used.add(a.allocate(used));
        used.remove(2);

        assertThat(a.allocate(used)).isEqualTo(3);
        assertThat(NsidAllocator.load(dataDir, used, MAX).allocate(used)).isEqualTo(4);
    }

    @Test
    void shouldWrapToTheLowestFreeNsidOnlyWhenTheSpaceIsExhausted() throws DataDirException {
        Set<Integer> used = new HashSet<>();
        NsidAllocator a = NsidAllocator.load(dataDir, used, MAX);
        for (int i = 0; i < MAX; i++) {
            used.add(a.allocate(used));
        }
        used.remove(3);
        used.remove(2);

        assertThat(a.allocate(used)).isEqualTo(2);
        used.add(2);
        assertThat(a.allocate(used)).isEqualTo(3);
        used.add(3);
        assertThat(a.allocate(used)).as("none free").isEqualTo(NsidAllocator.NONE);
    }

    @Test
    void shouldStartAboveTheHighestNsidInUseInADataDirFromBeforeTheAllocator() throws DataDirException {
        Set<Integer> used = Set.of(1, 3);

        assertThat(NsidAllocator.load(dataDir, used, MAX).allocate(used)).isEqualTo(4);
    }
}
