package io.basalt.csi.controller;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {
    @Test
    void shouldKeepANameTheApiAcceptsAndHashAnyOtherTheSameWayEveryTime() {
        assertThat(Ids.apiName("pvc-0f0e0d0c-0b0a-0908-0706-050403020100")).isEqualTo("pvc-0f0e0d0c-0b0a-0908-0706-050403020100");
        String odd = "ns/claim with spaces";
        assertThat(Ids.apiName(odd)).isEqualTo(Ids.apiName(odd)).startsWith("csi-").hasSize(44)
                .isNotEqualTo(Ids.apiName(odd + "!"));
        assertThat(Ids.apiName("x".repeat(64))).isEqualTo("x".repeat(64));
        assertThat(Ids.apiName("x".repeat(65))).startsWith("csi-");
    }

    @Test
    void shouldAcceptOnlyUuidsAsVolumeIds() {
        assertThat(Ids.volumeUuid("0F0E0D0C-0B0A-0908-0706-050403020100")).isEqualTo("0f0e0d0c-0b0a-0908-0706-050403020100");
        assertThat(Ids.volumeUuid("db")).isNull();
        assertThat(Ids.volumeUuid("1-2-3-4-5")).as("java.util.UUID accepts it; we do not").isNull();
    }

    @Test
    void shouldSplitSnapshotIdsIntoVolumeAndName() {
        Ids.SnapshotId id = Ids.SnapshotId.parse("0f0e0d0c-0b0a-0908-0706-050403020100@nightly");
        assertThat(id).isEqualTo(new Ids.SnapshotId("0f0e0d0c-0b0a-0908-0706-050403020100", "nightly"));
        assertThat(id.id()).isEqualTo("0f0e0d0c-0b0a-0908-0706-050403020100@nightly");
        assertThat(Ids.SnapshotId.parse("db@nightly")).isNull();
        assertThat(Ids.SnapshotId.parse("0f0e0d0c-0b0a-0908-0706-050403020100@")).isNull();
        assertThat(Ids.SnapshotId.parse("nothing")).isNull();
    }
}
