package io.basalt.csi.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublishContextTest {
    @Test
    void shouldCarryEveryPathThroughTheStringMap() {
        PublishContext ctx = new PublishContext("nqn.2026-01.io.basalt:b1", List.of("10.0.0.1:4420", "[fd00::2]:4420"),
                7, "0f0e0d0c-0b0a-0908-0706-050403020100");
        Map<String, String> m = ctx.toMap();
        assertThat(m).containsEntry("targets", "10.0.0.1:4420,[fd00::2]:4420").containsEntry("nsid", "7")
                .containsEntry("transport", "tcp");
        assertThat(PublishContext.fromMap(m)).isEqualTo(ctx);
    }

    @Test
    void shouldRefuseAContextItCannotAttachWith() {
        for (Map<String, String> bad : List.of(Map.<String, String>of(), Map.of("subsystemNqn", "n", "targets", ",",
                "nsid", "1", "uuid", "u"), Map.of("subsystemNqn", "n", "targets", "h:1", "nsid", "x", "uuid", "u"))) {
            assertThatThrownBy(() -> PublishContext.fromMap(bad)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        }
    }
}
