package io.basalt.csi.controller;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VolumeParametersTest {
    @Test
    void shouldReadEveryParameterAndKeepTheClaimsKeysAsLabels() {
        VolumeParameters p = VolumeParameters.parse(Map.of("replicas", "1", "compression", "off", "dedup", "on",
                "encryption", "aes-xts", "qosPolicy", "gold", "blockSize", "512",
                "failureDomainKey", "rack", "csi.storage.k8s.io/pvc/namespace", "shop"));
        assertThat(p).isEqualTo(new VolumeParameters(1, "off", true, "aes-xts", "gold", 512, "rack",
                Map.of("csi.storage.k8s.io/pvc/namespace", "shop")));
        assertThat(VolumeParameters.parse(Map.of()).blockSizeOrDefault()).isEqualTo(4096);
    }

    @Test
    void shouldRefuseWhatItDoesNotKnowAsInvalidArgument() {
        for (Map<String, String> bad : new Map[]{Map.of("compression", "LZ4"), Map.of("encryption", "aes"),
                Map.of("replicas", "two"), Map.of("replicas", "4"), Map.of("blockSize", "4k"), Map.of("dedupe", "true")}) {
            assertThatThrownBy(() -> VolumeParameters.parse(bad)).as(bad.toString())
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
    }
}
