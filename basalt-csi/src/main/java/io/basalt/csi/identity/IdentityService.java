package io.basalt.csi.identity;

import com.google.protobuf.BoolValue;
import csi.v1.GetPluginCapabilitiesRequest;
import csi.v1.GetPluginCapabilitiesResponse;
import csi.v1.GetPluginInfoRequest;
import csi.v1.GetPluginInfoResponse;
import csi.v1.IdentityGrpc;
import csi.v1.PluginCapability;
import csi.v1.ProbeRequest;
import csi.v1.ProbeResponse;
import io.basalt.csi.rpc.CsiErrors;
import io.basalt.csi.rpc.Rpc;
import io.grpc.stub.StreamObserver;

import java.util.function.Supplier;

/**
 * The CSI Identity service: the plugin's name and version, what it offers, and whether it is ready.
 * Readiness is a check given by the mode: the controller is ready when the Basalt API answers; the
 * node when it knows its host NQN. A failed check is FAILED_PRECONDITION with the reason (the
 * spec's answer for "plugin not healthy"), so the CO's events say what is wrong.
 */
public final class IdentityService extends IdentityGrpc.IdentityImplBase {
    /** The driver name: the CSIDriver object's name and every StorageClass's provisioner. */
    public static final String PLUGIN_NAME = "csi.basalt.io";

    private final String version;
    private final boolean controller;
    private final Supplier<String> notReadyReason;

    /**
     * @param version        the plugin's version (the build's)
     * @param controller     whether this process serves the Controller service
     * @param notReadyReason why the plugin is not ready, or null when it is
     */
    public IdentityService(String version, boolean controller, Supplier<String> notReadyReason) {
        this.version = version;
        this.controller = controller;
        this.notReadyReason = notReadyReason;
    }

    @Override
    public void getPluginInfo(GetPluginInfoRequest req, StreamObserver<GetPluginInfoResponse> out) {
        Rpc.unary("GetPluginInfo", out, () -> GetPluginInfoResponse.newBuilder().setName(PLUGIN_NAME)
                .setVendorVersion(version).build());
    }

    @Override
    public void getPluginCapabilities(GetPluginCapabilitiesRequest req,
                                      StreamObserver<GetPluginCapabilitiesResponse> out) {
        Rpc.unary("GetPluginCapabilities", out, () -> {
            GetPluginCapabilitiesResponse.Builder b = GetPluginCapabilitiesResponse.newBuilder();
            if (controller) {
                b.addCapabilities(service(PluginCapability.Service.Type.CONTROLLER_SERVICE));
            }
            b.addCapabilities(service(PluginCapability.Service.Type.VOLUME_ACCESSIBILITY_CONSTRAINTS));
            b.addCapabilities(PluginCapability.newBuilder().setVolumeExpansion(PluginCapability.VolumeExpansion
                    .newBuilder().setType(PluginCapability.VolumeExpansion.Type.ONLINE)));
            return b.build();
        });
    }

    @Override
    public void probe(ProbeRequest req, StreamObserver<ProbeResponse> out) {
        Rpc.unary("Probe", out, () -> {
            String why = notReadyReason.get();
            if (why != null) {
                throw CsiErrors.failedPrecondition("not ready: " + why);
            }
            return ProbeResponse.newBuilder().setReady(BoolValue.of(true)).build();
        });
    }

    private static PluginCapability service(PluginCapability.Service.Type t) {
        return PluginCapability.newBuilder().setService(PluginCapability.Service.newBuilder().setType(t)).build();
    }
}
