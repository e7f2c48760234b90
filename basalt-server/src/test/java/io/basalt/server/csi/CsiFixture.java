package io.basalt.server.csi;

import csi.v1.ControllerGrpc;
import csi.v1.IdentityGrpc;
import csi.v1.VolumeCapability;
import io.basalt.api.client.ApiClient;
import io.basalt.csi.CsiChannel;
import io.basalt.csi.CsiPlugin;
import io.basalt.csi.CsiServer;
import io.basalt.csi.controller.ControllerSettings;
import io.basalt.csi.node.NodeSettings;
import io.basalt.csi.node.Polling;
import io.basalt.csi.rpc.Zone;
import io.basalt.server.Brick;
import io.basalt.server.config.ApiConfig;
import io.basalt.server.config.ServeConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A live brick started in-process (engine pool in a temporary data dir, API on a free loopback
 * port) and the CSI plugin in controller mode serving a real Unix socket in front of it, with
 * blocking stubs over that socket: the CSI RPCs travel exactly as a CO's sidecars send them.
 */
final class CsiFixture implements AutoCloseable {
    static final String NODE_A = "nqn.2014-08.org.nvmexpress:uuid:aaaaaaaa-0000-0000-0000-00000000000a";
    static final String NODE_B = "nqn.2014-08.org.nvmexpress:uuid:bbbbbbbb-0000-0000-0000-00000000000b";

    final Brick brick;
    final ApiClient api;
    final CsiServer plugin;
    final CsiChannel channel;
    final IdentityGrpc.IdentityBlockingStub identity;
    final ControllerGrpc.ControllerBlockingStub controller;

    private CsiFixture(Brick brick, CsiServer plugin) {
        this.brick = brick;
        this.api = new ApiClient(apiUri(brick), null);
        this.plugin = plugin;
        this.channel = CsiChannel.open(plugin.socket());
        this.identity = IdentityGrpc.newBlockingStub(channel.channel());
        this.controller = ControllerGrpc.newBlockingStub(channel.channel());
    }

    static CsiFixture start(Path dir) throws Exception {
        Brick brick = Brick.start(new ServeConfig(dir.resolve("data"), new InetSocketAddress("127.0.0.1", 0), null,
                List.of(), new ApiConfig(new InetSocketAddress("127.0.0.1", 0), null, null, null, null, null)));
        try {
            return new CsiFixture(brick, startPlugin(dir.resolve("csi.sock"), apiUri(brick)));
        } catch (IOException | RuntimeException e) {
            brick.close();
            throw e;
        }
    }

    /** A controller-mode plugin in front of the API at {@code api}. */
    static CsiServer startPlugin(Path socket, URI api) throws IOException {
        Zone zone = new Zone(Zone.DEFAULT);
        return CsiPlugin.start(new CsiPlugin.Config(CsiPlugin.Mode.CONTROLLER, socket, api, null,
                new ControllerSettings(zone, api.getHost(), List.of()),
                new NodeSettings(null, NodeSettings.HOSTNQN_FILE_DEFAULT, zone, 1, 1, Duration.ofSeconds(1),
                        socket.resolveSibling("state")),
                argv -> {
                    throw new IOException("the controller runs no host command");
                }, Polling.realTime()));
    }

    private static URI apiUri(Brick brick) {
        return URI.create("http://127.0.0.1:" + brick.apiAddress().getPort());
    }

    static VolumeCapability mountWriter() {
        return VolumeCapability.newBuilder().setMount(VolumeCapability.MountVolume.newBuilder().setFsType("ext4"))
                .setAccessMode(VolumeCapability.AccessMode.newBuilder()
                        .setMode(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER)).build();
    }

    static VolumeCapability block(VolumeCapability.AccessMode.Mode mode) {
        return VolumeCapability.newBuilder().setBlock(VolumeCapability.BlockVolume.getDefaultInstance())
                .setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(mode)).build();
    }

    @Override
    public void close() {
        channel.close();
        plugin.close();
        brick.close();
    }
}
