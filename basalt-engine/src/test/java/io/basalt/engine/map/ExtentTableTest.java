package io.basalt.engine.map;

import io.basalt.engine.log.PhysAddr;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExtentTableTest {
    private static final long[] FP = {1, 2, 3, 4};
    private static final long[] OTHER = {1, 2, 3, 5};

    @Test
    void shouldCreatePendingWithOneReferenceAndPlaceIt() {
        ExtentTable t = new ExtentTable();
        long id = t.create(0, 7, FP, 0);
        assertThat(id).isEqualTo(1);
        assertThat(t.state(id)).isEqualTo(ExtentTable.PENDING);
        assertThat(t.refs(id)).isEqualTo(1);
        assertThat(t.isLive(id)).isFalse();
        assertThat(t.liveCount()).isZero();
        assertThat(t.count()).isEqualTo(1);
        long a = PhysAddr.pack(3, 8192, 1024, PhysAddr.COMPRESSED);
        t.place(id, a, 42);
        assertThat(t.isLive(id)).isTrue();
        assertThat(t.address(id)).isEqualTo(a);
        assertThat(t.crc(id)).isEqualTo(42);
        assertThat(t.owner(id)).isEqualTo(7);
        assertThat(t.liveCount()).isEqualTo(1);
    }

    @Test
    void shouldMatchOnlyTheSameDomainAndAllFingerprintBits() {
        ExtentTable t = new ExtentTable();
        long id = t.create(5, 1, FP, 0);
        assertThat(t.matches(id, 5, FP, 0)).isTrue();
        assertThat(t.matches(id, 0, FP, 0)).as("another domain").isFalse();
        assertThat(t.matches(id, 5, OTHER, 0)).as("same 128-bit prefix, other suffix").isFalse();
        assertThat(t.matches(id + 1, 5, FP, 0)).as("an id never handed out").isFalse();
        t.free(id);
        assertThat(t.matches(id, 5, FP, 0)).as("freed").isFalse();
    }

    @Test
    void shouldCountReferencesAndReuseFreedIds() {
        ExtentTable t = new ExtentTable();
        long a = t.create(0, 1, FP, 0);
        long b = t.create(0, 1, OTHER, 0);
        t.ref(a);
        assertThat(t.unref(a)).isEqualTo(1);
        assertThat(t.unref(a)).isZero();
        t.free(a);
        assertThat(t.count()).isEqualTo(1);
        assertThatThrownBy(() -> t.free(a)).isInstanceOf(IllegalStateException.class);
        long c = t.create(0, 2, OTHER, 0);
        assertThat(c).as("freed id reused").isEqualTo(a);
        assertThat(t.owner(c)).isEqualTo(2);
        assertThat(b).isEqualTo(2);
    }

    @Test
    void shouldGrowPastItsFirstArrays() {
        ExtentTable t = new ExtentTable();
        for (int i = 0; i < 1000; i++) {
            long id = t.create(0, 1, new long[]{i, i, i, i}, 0);
            t.place(id, PhysAddr.pack(1, 4096 + 16 * i, 16), i);
        }
        assertThat(t.liveCount()).isEqualTo(1000);
        assertThat(t.crc(1000)).isEqualTo(999);
        assertThat(t.fingerprint(1000, 3)).isEqualTo(999);
    }

    @Test
    void shouldFreeWhatNoReferenceRecountedAndRebuildTheFreeList() {
        ExtentTable t = new ExtentTable();
        long[] fp = {9, 9, 9, 9};
        t.restore(3, 0, 1, PhysAddr.pack(1, 4096, 4096), 1, fp, 0);
        t.restore(5, 0, 1, PhysAddr.pack(1, 8192, 4096), 2, null, 0);
        assertThat(t.domain(5)).as("unknown fingerprint: never matched").isEqualTo(ExtentTable.NO_DOMAIN);
        assertThat(t.matches(5, ExtentTable.NO_DOMAIN, fp, 0)).isFalse();
        t.clearRefs();
        t.ref(5);
        t.freeUnreferenced();
        assertThat(t.isLive(3)).isFalse();
        assertThat(t.isLive(5)).isTrue();
        assertThat(t.count()).isEqualTo(1);
        // Ids 1-4 are free again; 5 is taken; a new extent never gets 5.
        for (int i = 0; i < 4; i++) {
            assertThat(t.create(0, 1, fp, 0)).isNotEqualTo(5);
        }
        assertThat(t.create(0, 1, fp, 0)).isEqualTo(6);
    }

    @Test
    void shouldCopyWhatACheckpointWritesAndKeepItWhenTheTableChanges() {
        ExtentTable t = new ExtentTable();
        assertThat(t.copy().liveCount()).isZero();
        long[] fp = {1, 2, 3, 4};
        long a = t.create(7, 3, fp, 0);
        t.place(a, PhysAddr.pack(2, 4096, 4096), 55);
        long pending = t.create(7, 3, new long[]{5, 6, 7, 8}, 0);
        ExtentTable copy = t.copy();
        t.move(a, PhysAddr.pack(3, 8192, 4096));
        t.unref(a);
        t.free(a);
        t.place(pending, PhysAddr.pack(4, 4096, 4096), 66);
        assertThat(copy.liveCount()).isEqualTo(1);
        assertThat(copy.isLive(a)).isTrue();
        assertThat(copy.isLive(pending)).as("pending when copied").isFalse();
        assertThat(copy.address(a)).isEqualTo(PhysAddr.pack(2, 4096, 4096));
        assertThat(copy.crc(a)).isEqualTo(55);
        assertThat(copy.owner(a)).isEqualTo(3);
        assertThat(copy.domain(a)).isEqualTo(7);
        for (int k = 0; k < ExtentTable.FP_LONGS; k++) {
            assertThat(copy.fingerprint(a, k)).isEqualTo(fp[k]);
        }
    }
}
