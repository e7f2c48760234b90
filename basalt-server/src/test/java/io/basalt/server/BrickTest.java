package io.basalt.server;

import io.basalt.api.model.EventView;
import io.basalt.block.BlockIo;
import io.basalt.block.BlockStore;
import io.basalt.block.IoStatus;
import io.basalt.server.config.EngineSettings;
import io.basalt.server.version.BasaltVersion;
import io.basalt.server.config.ServeConfig;
import io.basalt.server.events.EventLog;
import io.basalt.control.volume.VolumeSpec;
import io.basalt.nvmet.subsystem.Namespace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BrickTest {
    @TempDir
    Path dataDir;

    private ServeConfig config(String... volumes) {
        return new ServeConfig(dataDir, new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", 0),
                List.of(volumes).stream().map(VolumeSpec::parse).toList());
    }

    @Test
    void shouldBindBothPortsAndReleaseThemOnClose() throws Exception {
        InetSocketAddress io;
        InetSocketAddress discovery;
        try (Brick brick = Brick.start(config("name=a,size=1MiB,hosts=any"))) {
            io = brick.ioAddress();
            discovery = brick.discoveryAddress();
            assertThat(io.getPort()).isPositive();
            assertThat(discovery.getPort()).isPositive().isNotEqualTo(io.getPort());
            try (Socket s = new Socket(io.getAddress(), io.getPort());
                 Socket d = new Socket(discovery.getAddress(), discovery.getPort())) {
                assertThat(s.isConnected()).isTrue();
                assertThat(d.isConnected()).isTrue();
            }
        }
        try (ServerSocket again = new ServerSocket(io.getPort(), 1, io.getAddress())) {
            assertThat(again.isBound()).isTrue();
        }
    }

    @Test
    void shouldRunWithoutADiscoveryPort() throws Exception {
        ServeConfig c = new ServeConfig(dataDir, new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse("name=a,size=1MiB,hosts=any")));
        try (Brick brick = Brick.start(c)) {
            assertThat(brick.discoveryAddress()).isNull();
        }
    }

    @Test
    void shouldExportEachVolumeAsANamespace() throws Exception {
        try (Brick brick = Brick.start(config("name=a,size=1MiB,hosts=any", "name=b,size=2MiB,block-size=512,backend=ram"))) {
            var subsystem = brick.target().subsystem();
            Namespace a = subsystem.namespace(1);
            Namespace b = subsystem.namespace(2);

            assertThat(subsystem.nqn()).isEqualTo(brick.identity().subsystemNqn());
            assertThat(subsystem.model()).isEqualTo("Basalt");
            assertThat(subsystem.firmware()).isEqualTo(BasaltVersion.firmware());
            assertThat(a.volume().name()).isEqualTo("a");
            assertThat(a.volume().store()).isInstanceOf(io.basalt.engine.pool.EngineBlockStore.class);
            assertThat(a.volume().access().isAny()).isTrue();
            assertThat(b.volume().blockSize()).isEqualTo(512);
            assertThat(b.volume().blocks()).isEqualTo(4096);
            assertThat(b.volume().access().allows("nqn.2014-08.org.nvmexpress:uuid:1")).isFalse();
        }
    }

    @Test
    void shouldKeepIdentityAndDataAcrossARestart() throws Exception {
        String nqn;
        java.util.UUID uuid;
        try (Brick brick = Brick.start(config("name=a,size=1MiB,hosts=any"))) {
            nqn = brick.identity().subsystemNqn();
            uuid = brick.volumes().getFirst().metadata().uuid();
            assertThat(SyncIo.submit(brick.volumes().getFirst().store(), BlockIo.OP_WRITE, 8192,
                    Unpooled.wrappedBuffer("hello, basalt".repeat(400).substring(0, 4096).getBytes()))).isEqualTo(IoStatus.OK);
        }

        try (Brick brick = Brick.start(config("name=a,size=2MiB,hosts=any"))) {
            assertThat(brick.identity().subsystemNqn()).isEqualTo(nqn);
            assertThat(brick.volumes().getFirst().metadata().uuid()).isEqualTo(uuid);
            assertThat(brick.volumes().getFirst().metadata().nsid()).isEqualTo(1);
            BlockStore store = brick.volumes().getFirst().store();
            assertThat(store.capacityBytes()).isEqualTo(2L << 20);
            ByteBuf read = Unpooled.buffer(4096);
            assertThat(SyncIo.submit(store, BlockIo.OP_READ, 8192, read)).isEqualTo(IoStatus.OK);
            assertThat(read.toString(java.nio.charset.StandardCharsets.US_ASCII)).startsWith("hello, basalt");
        }
    }

    @Test
    void shouldRefuseToShrinkAVolumeAndReleaseEverything() throws Exception {
        Brick.start(config("name=a,size=2MiB,hosts=any")).close();

        assertThatThrownBy(() -> Brick.start(config("name=a,size=1MiB,hosts=any")))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("volume a is 2 MiB; it cannot shrink to 1 MiB");
        Brick.start(config("name=a,size=2MiB,hosts=any")).close();
    }

    @Test
    void shouldRefuseASecondBrickOnTheSameDataDir() throws Exception {
        try (Brick first = Brick.start(config("name=a,size=1MiB,hosts=any"))) {
            assertThat(first.volumes()).hasSize(1);
            assertThatThrownBy(() -> Brick.start(config("name=a,size=1MiB,hosts=any")))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("in use by another Basalt brick");
        }
    }

    @Test
    void shouldReportAPortInUseInOneLine() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            ServeConfig c = new ServeConfig(dataDir, new InetSocketAddress("127.0.0.1", taken.getLocalPort()), null,
                    List.of(VolumeSpec.parse("name=a,size=1MiB,hosts=any")));

            assertThatThrownBy(() -> Brick.start(c)).isInstanceOf(StartupException.class)
                    .hasMessageStartingWith("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        // Nothing was left locked or open by the failed start.
        try (Brick brick = assertStarts(config("name=a,size=1MiB,hosts=any"))) {
            assertThat(brick.volumes()).hasSize(1);
        }
    }

    private static Brick assertStarts(ServeConfig c) {
        try {
            return Brick.start(c);
        } catch (StartupException e) {
            throw new AssertionError(e.getMessage());
        }
    }

    @Test
    void shouldServeEngineVolumesFromOnePoolAndKeepTheirDataAcrossRestarts() throws Exception {
        ByteBuf data = Unpooled.buffer(4096).writeBytes(new byte[4096].clone());
        data.setByte(0, 42);
        data.setByte(4095, 7);
        Path device = dataDir.resolve("dev0.img");
        ServeConfig c = new ServeConfig(dataDir, new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse("name=e1,size=8MiB,hosts=any,backend=engine"),
                        VolumeSpec.parse("name=e2,size=4MiB,hosts=any,backend=engine,block-size=512"),
                        VolumeSpec.parse("name=f,size=1MiB,hosts=any,backend=file")), io.basalt.server.config.ApiConfig.OFF,
                List.of(device));
        try (Brick brick = Brick.start(c)) {
            BlockStore e1 = brick.target().subsystem().namespace(1).volume().store();
            assertThat(brick.pool()).isNotNull();
            assertThat(brick.pool().volumes()).hasSize(2);
            assertThat(SyncIo.submit(e1, BlockIo.OP_WRITE, 8192, data)).isEqualTo(IoStatus.OK);
        }
        assertThat(device).exists();
        try (Brick brick = Brick.start(c)) {
            ByteBuf back = Unpooled.buffer(4096);
            assertThat(SyncIo.submit(brick.target().subsystem().namespace(1).volume().store(), BlockIo.OP_READ, 8192, back))
                    .isEqualTo(IoStatus.OK);
            assertThat(back.getByte(0)).isEqualTo((byte) 42);
            assertThat(back.getByte(4095)).isEqualTo((byte) 7);
        }
    }

    @Test
    void shouldExportEngineMetricsOnceAnEngineVolumeExists() throws Exception {
        try (Brick brick = Brick.start(config("name=e,size=1MiB,hosts=any,backend=engine"))) {
            ByteBuf data = Unpooled.buffer(4096).writeZero(4096);
            assertThat(SyncIo.submit(brick.target().subsystem().namespace(1).volume().store(), BlockIo.OP_WRITE, 0, data))
                    .isEqualTo(IoStatus.OK);
            String metrics = brick.service().metrics();
            assertThat(metrics).contains("basalt_engine_segments_free", "basalt_engine_gc_segments_cleaned_total",
                    "basalt_engine_checksum_errors_total", "basalt_engine_write_amplification",
                    "basalt_engine_data_reduction");
            assertThat(metrics).containsPattern("basalt_engine_host_written_total [1-9]");
        }
    }

    @Test
    void shouldRecordAnOvercommitEventWhenItStartsWithConfiguredVolumesOverThePool() throws Exception {
        try (Brick brick = Brick.start(config("name=big,size=500TiB,hosts=any,backend=engine"))) {
            assertThat(overcommitEvents(brick)).singleElement()
                    .satisfies(e -> assertThat(e.severity()).isEqualTo(EventLog.WARNING))
                    .satisfies(e -> assertThat(e.message()).contains("over-committed", "500 TiB"));
        }
    }

    @Test
    void shouldRecordAnOvercommitEventWhenARestartWithMoreOverprovisionTakesThePoolOver() throws Exception {
        long usable;
        try (Brick brick = Brick.start(engineConfig("1MiB", 0.02))) {
            usable = brick.volumeManager().overcommit().usableBytes();
        }
        String nineTenths = (usable / 10 * 9 >> 20) + "MiB";
        try (Brick brick = Brick.start(engineConfig(nineTenths, 0.02))) {
            assertThat(brick.volumeManager().overcommit().warns()).isFalse();
            assertThat(overcommitEvents(brick)).isEmpty();
        }

        try (Brick brick = Brick.start(engineConfig(nineTenths, 0.5))) {
            assertThat(brick.volumeManager().overcommit().warns()).as("half the pool kept free").isTrue();
            assertThat(overcommitEvents(brick)).hasSize(1);
        }
    }

    private ServeConfig engineConfig(String size, double overprovision) {
        return new ServeConfig(dataDir, new InetSocketAddress("127.0.0.1", 0), null,
                List.of(VolumeSpec.parse("name=e,size=" + size + ",hosts=any,backend=engine")),
                io.basalt.server.config.ApiConfig.OFF, List.of(), io.basalt.server.config.DataPathConfig.DEFAULT,
                new EngineSettings(null, null, 0, overprovision));
    }

    private static List<EventView> overcommitEvents(Brick brick) {
        return brick.events().after(0, 1000).stream().filter(e -> e.type().equals("pool.overcommitted")).toList();
    }

    @Test
    void shouldCreateTheDefaultPoolFileInTheDataDir() throws Exception {
        try (Brick brick = Brick.start(config("name=e,size=1MiB,hosts=any,backend=engine"))) {
            assertThat(brick.pool().volumes()).singleElement()
                    .satisfies(v -> assertThat(v.capacityBytes()).isEqualTo(1 << 20));
        }
        assertThat(dataDir.resolve(io.basalt.server.volume.EnginePool.DEFAULT_DEVICE_FILE)).exists();
    }

    @Test
    void shouldCloseTwiceHarmlessly() throws Exception {
        Brick brick = Brick.start(config("name=a,size=1MiB,hosts=any"));
        brick.close();
        brick.close();
    }
}
