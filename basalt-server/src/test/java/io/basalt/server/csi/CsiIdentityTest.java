package io.basalt.server.csi;

import csi.v1.GetPluginCapabilitiesRequest;
import csi.v1.GetPluginInfoRequest;
import csi.v1.GetPluginInfoResponse;
import csi.v1.IdentityGrpc;
import csi.v1.PluginCapability;
import csi.v1.ProbeRequest;
import io.basalt.csi.CsiChannel;
import io.basalt.csi.CsiServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CSI Identity service over the plugin's socket: who it is, what it offers, and whether the API answers. */
class CsiIdentityTest {
    @TempDir
    Path dir;

    @Test
    void shouldNameItselfAdvertiseItsServicesAndProbeReadyWithALiveBrick() throws Exception {
        try (CsiFixture f = CsiFixture.start(dir)) {
            GetPluginInfoResponse info = f.identity.getPluginInfo(GetPluginInfoRequest.getDefaultInstance());
            assertThat(info.getName()).isEqualTo("csi.basalt.io");
            assertThat(info.getVendorVersion()).isNotEmpty().isNotEqualTo("unknown");
            assertThat(f.identity.getPluginCapabilities(GetPluginCapabilitiesRequest.getDefaultInstance())
                    .getCapabilitiesList()).contains(
                    PluginCapability.newBuilder().setService(PluginCapability.Service.newBuilder()
                            .setType(PluginCapability.Service.Type.CONTROLLER_SERVICE)).build(),
                    PluginCapability.newBuilder().setService(PluginCapability.Service.newBuilder()
                            .setType(PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS)).build(),
                    PluginCapability.newBuilder().setVolumeExpansion(PluginCapability.VolumeExpansion.newBuilder()
                            .setType(PluginCapability.VolumeExpansion.Type.ONLINE)).build());
            assertThat(f.identity.probe(ProbeRequest.getDefaultInstance()).getReady().getValue()).isTrue();
        }
    }

    @Test
    void shouldProbeNotReadyNamingTheReasonWhenTheApiIsUnreachable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (CsiServer plugin = CsiFixture.startPlugin(dir.resolve("csi.sock"),
                URI.create("http://127.0.0.1:" + closedPort));
             CsiChannel channel = CsiChannel.open(plugin.socket())) {
            IdentityGrpc.IdentityBlockingStub identity = IdentityGrpc.newBlockingStub(channel.channel());
            assertThatThrownBy(() -> identity.probe(ProbeRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                        assertThat(e.getStatus().getDescription()).contains("unreachable", "127.0.0.1:" + closedPort);
                    });
            assertThat(identity.getPluginInfo(GetPluginInfoRequest.getDefaultInstance()).getName())
                    .as("identity answers without the API").isEqualTo("csi.basalt.io");
        }
    }
}
