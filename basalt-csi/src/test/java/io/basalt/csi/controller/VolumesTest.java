package io.basalt.csi.controller;

import io.basalt.api.model.BrickInfo;
import io.basalt.api.model.BrickView;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VolumesTest {
    private static final BrickInfo LONE = new BrickInfo("nqn.x", "S", "Basalt", "v", "f",
            List.of(new BrickInfo.Endpoint("nvme-tcp", "192.0.2.1", 4420), new BrickInfo.Endpoint("api", "127.0.0.1", 8080)),
            null, 0, 0, 0, null);

    private static BrickView brick(String name, String state, String address, int slot) {
        return new BrickView(name, state, null, address, null, Map.of(), slot, 0, 0, false, 0, 0, List.of());
    }

    private static ControllerSettings settings() {
        return new ControllerSettings(null, "127.0.0.1", List.of());
    }

    @Test
    void aLoneBrickPublishesItsOwnEndpoint() {
        assertThat(Volumes.targets(LONE, List.of(brick("local", "active", "192.0.2.1:4420", 0)), settings()))
                .containsExactly("192.0.2.1:4420");
    }

    @Test
    void aClusterPublishesEveryActiveBricksAdvertisedAddress() {
        List<BrickView> bricks = List.of(brick("b1", "active", "192.0.2.1:4420", 1),
                brick("b2", "unreachable", "192.0.2.2:4420", 2), brick("b3", "active", "192.0.2.3:4420", 3));
        assertThat(Volumes.targets(LONE, bricks, settings())).containsExactly("192.0.2.1:4420", "192.0.2.3:4420");
    }
}
